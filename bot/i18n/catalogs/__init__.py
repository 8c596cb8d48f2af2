"""One module per feature, each with ``EN`` and ``ZH_CN`` (key → text) and optionally ``COMMANDS_ZH_CN``
(English command text → Chinese). Keys are dotted, starting with the feature's name."""
