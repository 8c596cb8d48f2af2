"""The provider-neutral core: models, errors, retry policy, transport and the Provider interface."""
