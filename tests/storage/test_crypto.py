"""SecretBox and where its keys come from: the environment, or a key file made on first run."""

import base64
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from storage.crypto import SecretBox, SecretConfigError, SecretUnreadable, load_secret_box

SECRET = "pk-live-0123456789abcdef"


def new_key() -> str:
    return Fernet.generate_key().decode()


def test_seal_and_open_round_trip_without_the_plaintext_showing() -> None:
    box = load_secret_box(new_key(), Path("unused"))
    sealed = box.seal(SECRET)
    assert SECRET not in sealed
    assert box.open(sealed) == SECRET
    assert box.seal(SECRET) != sealed  # a fresh IV each time: equal secrets do not look equal
    assert box.open(box.seal("密钥 ✓")) == "密钥 ✓"


def test_wrong_key_is_a_clear_error_that_leaks_nothing() -> None:
    sealed = load_secret_box(new_key(), Path("unused")).seal(SECRET)
    with pytest.raises(SecretUnreadable) as caught:
        load_secret_box(new_key(), Path("unused")).open(sealed)
    assert "cannot be decrypted" in str(caught.value)
    assert SECRET not in str(caught.value) and sealed not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def flip_last_byte(sealed: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(sealed))
    raw[-1] ^= 1
    return base64.urlsafe_b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(
    "tamper", [flip_last_byte, lambda sealed: sealed[:20], lambda sealed: "not sealed at all ✗"],
    ids=["flipped", "truncated", "plain"],
)
def test_tampered_or_garbage_values_are_refused(tamper: Callable[[str], str]) -> None:
    box = load_secret_box(new_key(), Path("unused"))
    with pytest.raises(SecretUnreadable):
        box.open(tamper(box.seal(SECRET)))


def test_rotation_new_key_seals_old_key_still_opens() -> None:
    old, new = new_key(), new_key()
    sealed_before = load_secret_box(old, Path("unused")).seal(SECRET)
    rotated = load_secret_box(f"{new}, {old}", Path("unused"))
    assert rotated.open(sealed_before) == SECRET
    assert not rotated.is_current(sealed_before)
    sealed_after = rotated.seal(SECRET)
    assert rotated.is_current(sealed_after)
    # sealed with the new key: readable once the old one is dropped, not by the old one alone
    assert load_secret_box(new, Path("unused")).open(sealed_after) == SECRET
    with pytest.raises(SecretUnreadable):
        load_secret_box(old, Path("unused")).open(sealed_after)


def test_sealed_with_current_checks_the_first_key_even_when_it_is_the_only_one() -> None:
    old, new = new_key(), new_key()
    sealed_before = load_secret_box(old, Path("unused")).seal(SECRET)
    new_only = load_secret_box(new, Path("unused"))
    # with one key ``is_current`` does not look (nothing else could seal); ``sealed_with_current`` does
    assert new_only.is_current(sealed_before) and not new_only.sealed_with_current(sealed_before)
    assert not new_only.sealed_with_current("not a sealed value")
    assert new_only.sealed_with_current(new_only.seal(SECRET))
    assert not load_secret_box(f"{new},{old}", Path("unused")).sealed_with_current(sealed_before)


def test_malformed_master_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(SecretConfigError) as caught:
        load_secret_box("not-a-fernet-key-but-a-secret", Path("unused"))
    assert "not-a-fernet-key-but-a-secret" not in str(caught.value)
    assert "Fernet" in str(caught.value)


def test_key_file_is_made_owner_only_and_reused(tmp_path: Path) -> None:
    key_file = tmp_path / "data" / "secret.key"
    first = load_secret_box(None, key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    content = key_file.read_bytes()
    sealed = first.seal(SECRET)
    again = load_secret_box("  ", key_file)  # a blank master key counts as none
    assert key_file.read_bytes() == content
    assert again.open(sealed) == SECRET


def test_key_file_with_two_keys_rotates_like_the_environment(tmp_path: Path) -> None:
    old, new = new_key(), new_key()
    sealed = load_secret_box(old, Path("unused")).seal(SECRET)
    key_file = tmp_path / "secret.key"
    key_file.write_text(f"{new}\n{old}\n")
    key_file.chmod(0o600)
    box = load_secret_box(None, key_file)
    assert box.open(sealed) == SECRET
    assert load_secret_box(new, Path("unused")).open(box.seal(SECRET)) == SECRET


def test_master_key_wins_over_the_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret.key"
    load_secret_box(new_key(), key_file)
    assert not key_file.exists()


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
def test_key_file_others_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    key_file = tmp_path / "secret.key"
    load_secret_box(None, key_file)
    key = key_file.read_text().strip()
    key_file.chmod(mode)
    with pytest.raises(SecretConfigError) as caught:
        load_secret_box(None, key_file)
    message = str(caught.value)
    assert "chmod 600" in message and str(key_file) in message
    assert key not in message


def test_empty_key_file_is_refused_not_replaced(tmp_path: Path) -> None:
    key_file = tmp_path / "secret.key"
    key_file.touch(mode=0o600)
    key_file.chmod(0o600)
    with pytest.raises(SecretConfigError, match="holds no key"):
        load_secret_box(None, key_file)
    assert key_file.read_bytes() == b""


def test_the_box_shows_no_key_in_its_repr() -> None:
    key = new_key()
    box = load_secret_box(f"{key},{new_key()}", Path("unused"))
    assert repr(box) == "SecretBox(keys=2)"
    assert key not in repr(box) and key not in str(vars(box))


def test_fingerprint_is_keyed_and_stable() -> None:
    key = new_key()
    box = load_secret_box(key, Path("unused"))
    assert box.fingerprint("midjourney|http://x|alice") == load_secret_box(key, Path("u")).fingerprint(
        "midjourney|http://x|alice"
    )
    assert "alice" not in box.fingerprint("midjourney|http://x|alice")
    assert box.fingerprint("a") != load_secret_box(new_key(), Path("u")).fingerprint("a")


def test_no_keys_at_all_is_refused() -> None:
    with pytest.raises(SecretConfigError):
        SecretBox([])
