"""Service keys, login tokens and interaction tokens on a real SQLite file: sealed at rest, readable through the
stores, re-sealed after a rotation — and absent from the raw bytes of the database and its WAL."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest
from cryptography.fernet import Fernet

from providers.core.base import TokenStore
from providers.core.models import JobKind
from storage.crypto import SecretBox, load_secret_box
from storage.database import open_database
from storage.jobs import JobStore
from storage.keys import MASK, KeyScope, KeyStore, KeySummary, SealedTokenStore, mask, token_owner
from storage.schema import load_migrations, migrate

T0 = 1_700_000_000.0
PUBLIC = "picpik-public-key-5f1e2d3c"
PRIVATE = "picpik-private-key-9a8b7c6d5e4f"
LOGIN_USER = "mj-login-user-alice"
LOGIN_TOKEN = "mj-login-token-0f9e8d7c6b5a"
INTERACTION_TOKEN = "discord-interaction-token-aW50ZXJhY3Rpb24"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def box(key: str) -> SecretBox:
    return load_secret_box(key, Path("unused"))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await open_database(tmp_path / "bot.sqlite3")
    yield connection
    await connection.close()


@pytest.fixture
def keys(db: aiosqlite.Connection, box: SecretBox, clock: Clock) -> KeyStore:
    return KeyStore(db, box, clock=clock)


def raw_bytes(database: Path) -> bytes:
    """Everything on disk for the database: the main file, and the WAL and its index if present."""
    files = [database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")]
    return b"".join(path.read_bytes() for path in files if path.exists())


# --- mask --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        ("", ""),
        ("abc", "••••"),
        ("1234567", "••••"),
        ("12345678", "••••78"),
        ("123456789012", "••••012"),
        ("pk-0123456789abcdef", "••••cdef"),
        ("x" * 200 + "wxyz", "••••wxyz"),
        ("  padded-secret-value  ", "••••alue"),
    ],
)
def test_mask_shows_at_most_the_last_four_and_nothing_of_short_secrets(secret: str, expected: str) -> None:
    assert mask(secret) == expected


# --- KeyStore ----------------------------------------------------------------------------------------------


async def test_set_get_round_trip_per_scope_owner_and_service(keys: KeyStore) -> None:
    fields = {"public_key": PUBLIC, "private_key": PRIVATE}
    await keys.set(KeyScope.USER, 42, "picpik", fields, mask(PRIVATE))
    assert await keys.get(KeyScope.USER, 42, "picpik") == fields
    assert await keys.get(KeyScope.GUILD, 42, "picpik") is None
    assert await keys.get(KeyScope.USER, 43, "picpik") is None
    assert await keys.get(KeyScope.USER, 42, "ngpu") is None


async def test_set_replaces_keeps_created_at_and_clears_the_last_use(keys: KeyStore, clock: Clock) -> None:
    await keys.set(KeyScope.USER, 1, "ngpu", {"workspace_id": "ws-old-1234567"}, "••••4567")
    await keys.record_use(KeyScope.USER, 1, "ngpu", failure="auth")
    clock.now = T0 + 60
    await keys.set(KeyScope.USER, 1, "ngpu", {"workspace_id": "ws-new-7654321", "btc_address": "bc1q"}, "••••4321")
    assert await keys.get(KeyScope.USER, 1, "ngpu") == {"workspace_id": "ws-new-7654321", "btc_address": "bc1q"}
    (summary,) = await keys.summaries(KeyScope.USER, 1)
    assert summary == KeySummary(
        scope=KeyScope.USER, owner_id=1, service="ngpu", masked="••••4321", created_at=T0, updated_at=T0 + 60,
        last_used_at=None, last_outcome=None,
    )


async def test_summaries_record_of_use_and_order(keys: KeyStore, clock: Clock) -> None:
    await keys.set(KeyScope.GUILD, 7, "picpik", {"public_key": PUBLIC, "private_key": PRIVATE}, "••••5e4f")
    await keys.set(KeyScope.GUILD, 7, "jumdata", {"app_id": "a", "app_secret": "s"}, "••••")
    await keys.set(KeyScope.USER, 7, "ngpu", {"workspace_id": "w"}, "••••")
    clock.now = T0 + 5
    await keys.record_use(KeyScope.GUILD, 7, "picpik")
    await keys.record_use(KeyScope.GUILD, 7, "jumdata", failure="server")
    summaries = await keys.summaries(KeyScope.GUILD, 7)
    assert [s.service for s in summaries] == ["jumdata", "picpik"]
    jumdata, picpik = summaries
    assert (picpik.last_used_at, picpik.last_ok, picpik.last_outcome) == (T0 + 5, True, "ok")
    # the kind of failure is kept (worded at list time in the reader's language), not a message
    assert (jumdata.last_ok, jumdata.last_outcome) == (False, "server")
    await keys.record_use(KeyScope.GUILD, 7, "jumdata", failure="x" * 1000)
    assert (await keys.summaries(KeyScope.GUILD, 7))[0].last_outcome == "x" * 40
    assert PRIVATE not in repr(summaries) and PUBLIC not in repr(summaries)
    assert await keys.summaries(KeyScope.USER, 8) == []


async def test_remove_says_whether_there_was_a_key(keys: KeyStore) -> None:
    await keys.set(KeyScope.USER, 1, "picpik", {"public_key": PUBLIC}, "••••")
    assert await keys.remove(KeyScope.USER, 1, "picpik") is True
    assert await keys.get(KeyScope.USER, 1, "picpik") is None
    assert await keys.remove(KeyScope.USER, 1, "picpik") is False


async def test_record_use_of_a_missing_key_is_harmless(keys: KeyStore) -> None:
    await keys.record_use(KeyScope.USER, 99, "picpik")
    assert await keys.summaries(KeyScope.USER, 99) == []


async def test_unreadable_key_reads_as_none_and_logs_no_secret(
    db: aiosqlite.Connection, keys: KeyStore, caplog: pytest.LogCaptureFixture
) -> None:
    await keys.set(KeyScope.USER, 1, "picpik", {"private_key": PRIVATE}, "••••")
    stranger = KeyStore(db, load_secret_box(Fernet.generate_key().decode(), Path("unused")))
    assert await stranger.get(KeyScope.USER, 1, "picpik") is None
    assert "cannot be decrypted" in caplog.text and PRIVATE not in caplog.text
    assert await keys.get(KeyScope.USER, 1, "picpik") == {"private_key": PRIVATE}  # the row was left alone


async def test_rotation_reseals_keys_on_read_and_at_start(db: aiosqlite.Connection, key: str, keys: KeyStore) -> None:
    await keys.set(KeyScope.USER, 1, "picpik", {"private_key": PRIVATE}, "••••")
    await keys.set(KeyScope.USER, 2, "picpik", {"private_key": PRIVATE + "2"}, "••••")
    new_key = Fernet.generate_key().decode()
    rotated = KeyStore(db, load_secret_box(f"{new_key},{key}", Path("unused")))
    assert await rotated.get(KeyScope.USER, 1, "picpik") == {"private_key": PRIVATE}  # re-sealed on this read
    assert await rotated.reseal_stale() == 1  # only owner 2 was left on the old key
    assert await rotated.reseal_stale() == 0
    new_only = KeyStore(db, load_secret_box(new_key, Path("unused")))
    assert await new_only.get(KeyScope.USER, 1, "picpik") == {"private_key": PRIVATE}
    assert await new_only.get(KeyScope.USER, 2, "picpik") == {"private_key": PRIVATE + "2"}


# --- SealedTokenStore --------------------------------------------------------------------------------------


async def test_token_store_round_trip(db: aiosqlite.Connection, box: SecretBox) -> None:
    tokens: TokenStore = SealedTokenStore(db, box)
    cache_key = f"midjourney|http://127.0.0.1:1|{LOGIN_USER}"
    assert await tokens.get(cache_key) is None
    await tokens.set(cache_key, LOGIN_TOKEN)
    assert await tokens.get(cache_key) == LOGIN_TOKEN
    await tokens.set(cache_key, LOGIN_TOKEN + "-renewed")
    assert await tokens.get(cache_key) == LOGIN_TOKEN + "-renewed"
    assert await tokens.get(cache_key + "x") is None
    await tokens.delete(cache_key)
    assert await tokens.get(cache_key) is None
    await tokens.delete(cache_key)  # deleting twice is fine


async def test_token_sealed_with_a_lost_key_is_forgotten(db: aiosqlite.Connection, box: SecretBox, key: str) -> None:
    await SealedTokenStore(db, box).set("k", LOGIN_TOKEN)
    # same first key for the lookup name, but the token itself altered on disk
    await db.execute("UPDATE login_tokens SET sealed = 'gAAAAAgarbage'")
    assert await SealedTokenStore(db, box).get("k") is None
    async with db.execute("SELECT COUNT(*) FROM login_tokens") as cursor:
        assert (await cursor.fetchone())[0] == 0  # type: ignore[index]


# --- login tokens filed under the keys they were made with ------------------------------------------------

MJ_KEY = f"midjourney|http://127.0.0.1:1|{LOGIN_USER}"


async def login_token_rows(db: aiosqlite.Connection) -> list[tuple[str | None, str]]:
    rows = await db.execute_fetchall("SELECT owner, sealed FROM login_tokens ORDER BY owner")
    return [(row[0], row[1]) for row in rows]


async def test_owners_tokens_are_apart_and_go_with_their_keys(
    db: aiosqlite.Connection, keys: KeyStore, box: SecretBox
) -> None:
    tokens = SealedTokenStore(db, box)
    alice, bob = token_owner(KeyScope.USER, 1, "midjourney"), token_owner(KeyScope.GUILD, 2, "midjourney")
    assert alice == "user:1:midjourney"
    mj = {"username": LOGIN_USER, "password": "pw-123456"}
    await keys.set(KeyScope.USER, 1, "midjourney", mj, "••••")
    await keys.set(KeyScope.GUILD, 2, "midjourney", mj, "••••")
    # the same user name on the same service: each owner has its own token, and the bot's settings theirs
    await tokens.for_owner(alice).set(MJ_KEY, LOGIN_TOKEN + "-alice")
    await tokens.for_owner(bob).set(MJ_KEY, LOGIN_TOKEN + "-bob")
    await tokens.set(MJ_KEY, LOGIN_TOKEN + "-settings")
    assert await tokens.for_owner(alice).get(MJ_KEY) == LOGIN_TOKEN + "-alice"
    assert await tokens.for_owner(bob).get(MJ_KEY) == LOGIN_TOKEN + "-bob"
    assert await tokens.get(MJ_KEY) == LOGIN_TOKEN + "-settings"

    await keys.remove(KeyScope.USER, 1, "midjourney")  # removing the keys deletes their login token
    assert await tokens.for_owner(alice).get(MJ_KEY) is None
    await keys.set(KeyScope.GUILD, 2, "midjourney", {**mj, "password": "pw-changed"}, "••••")  # replacing, too
    assert await tokens.for_owner(bob).get(MJ_KEY) is None
    assert [owner for owner, _ in await login_token_rows(db)] == [None]  # the settings' own token stays
    assert await tokens.get(MJ_KEY) == LOGIN_TOKEN + "-settings"


async def test_tokens_sealed_before_a_rotation_or_left_without_keys_are_dropped_at_start(
    db: aiosqlite.Connection, keys: KeyStore, box: SecretBox, key: str
) -> None:
    owner = token_owner(KeyScope.USER, 1, "midjourney")
    await keys.set(KeyScope.USER, 1, "midjourney", {"username": LOGIN_USER, "password": "pw-123456"}, "••••")
    tokens = SealedTokenStore(db, box)
    await tokens.set(MJ_KEY, LOGIN_TOKEN)
    await tokens.for_owner(owner).set(MJ_KEY, LOGIN_TOKEN + "-member")
    assert await tokens.drop_stale() == 0  # nothing stale yet

    new_key = Fernet.generate_key().decode()
    new_box = load_secret_box(f"{new_key},{key}", Path("unused"))
    rotated = SealedTokenStore(db, new_box)
    # their lookup names follow the first key: after the rotation nobody can find them, so nothing reseals them
    assert await rotated.get(MJ_KEY) is None and await rotated.for_owner(owner).get(MJ_KEY) is None
    await rotated.set(MJ_KEY + "-fresh", LOGIN_TOKEN + "-fresh")
    assert await rotated.drop_stale() == 2
    assert len(await login_token_rows(db)) == 1
    assert await rotated.get(MJ_KEY + "-fresh") == LOGIN_TOKEN + "-fresh"

    # a token whose keys are gone (filed before ``set`` looked for them) is dropped too
    await db.execute(
        "INSERT INTO login_tokens (cache_key, sealed, updated_at, owner) VALUES ('orphan', ?, 0, 'user:99:midjourney')",
        (new_box.seal(LOGIN_TOKEN + "-orphan"),),
    )
    assert await rotated.drop_stale() == 1
    assert len(await login_token_rows(db)) == 1


async def test_a_login_ending_after_its_keys_were_removed_files_no_token(
    db: aiosqlite.Connection, keys: KeyStore, box: SecretBox
) -> None:
    tokens = SealedTokenStore(db, box).for_owner(token_owner(KeyScope.USER, 1, "midjourney"))
    mj = {"username": LOGIN_USER, "password": "pw-123456"}
    await keys.set(KeyScope.USER, 1, "midjourney", mj, "••••")
    await keys.remove(KeyScope.USER, 1, "midjourney")  # while a job was logging in with them

    await tokens.set(MJ_KEY, LOGIN_TOKEN)  # the login ends

    assert await login_token_rows(db) == []
    assert await tokens.get(MJ_KEY) is None
    await keys.set(KeyScope.USER, 1, "midjourney", mj, "••••")  # keys again: their logins are cached again
    await tokens.set(MJ_KEY, LOGIN_TOKEN)
    assert await tokens.get(MJ_KEY) == LOGIN_TOKEN
    await tokens.set(MJ_KEY, LOGIN_TOKEN + "-renewed")  # and renewed in place
    assert [owner for owner, _ in await login_token_rows(db)] == ["user:1:midjourney"]
    assert await tokens.get(MJ_KEY) == LOGIN_TOKEN + "-renewed"


# --- masked hints that showed part of a secret (before migration 0009) ---------------------------------------


async def test_old_hints_are_blanked_made_again_and_leave_no_trace_in_the_file(tmp_path: Path, box: SecretBox) -> None:
    path = tmp_path / "bot.sqlite3"
    old_hint = mask(PRIVATE)  # what the bot stored before: the end of the private key
    db = await aiosqlite.connect(path, isolation_level=None)
    await db.execute("PRAGMA journal_mode=WAL")
    # as SQLite builds without SECURE_DELETE do: what an update replaces stays in the page's free space
    await db.execute("PRAGMA secure_delete=0")
    await migrate(db, load_migrations()[:8])
    sealed = box.seal(f'{{"public_key":"{PUBLIC}","private_key":"{PRIVATE}"}}')
    await db.execute(
        "INSERT INTO service_keys (scope, owner_id, service, sealed, masked, created_at, updated_at, last_ok, "
        "last_error) VALUES ('user', 1, 'picpik', ?, ?, 0, 0, 0, 'Picpik refused the keys.')",
        (sealed, old_hint),
    )
    await db.execute("INSERT INTO login_tokens (cache_key, sealed, updated_at) VALUES ('k', ?, 0)", (box.seal("t"),))
    await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert old_hint.encode() in raw_bytes(path)  # the trace the test looks for is really there to begin with

    await migrate(db)  # 0009: hints blanked, outcomes kept as kinds, old tokens dropped
    try:
        keys = KeyStore(db, box)
        (before,) = await keys.summaries(KeyScope.USER, 1)
        assert before.masked == MASK and before.last_outcome == "failed"
        assert await keys.refresh_hints(lambda service, fields: mask(fields["public_key"])) == 1
        assert await keys.refresh_hints(lambda service, fields: "never asked") == 0  # once only
        (after,) = await keys.summaries(KeyScope.USER, 1)
        assert after.masked == mask(PUBLIC) and await keys.get(KeyScope.USER, 1, "picpik") is not None
        assert await login_token_rows(db) == []
        on_disk_open = raw_bytes(path)
    finally:
        await db.close()
    for blob in (on_disk_open, raw_bytes(path)):
        assert b"service_keys" in blob
        for n in range(3, len(PRIVATE) + 1):
            assert (MASK + PRIVATE[-n:]).encode() not in blob, n
        assert b"Picpik refused the keys." not in blob


# --- interaction tokens in the job table -------------------------------------------------------------------


async def test_job_store_seals_the_interaction_token_transparently(db: aiosqlite.Connection, box: SecretBox) -> None:
    store = JobStore(db, box=box)
    job = await store.create(
        kind=JobKind.IMAGINE, provider="picpik", owner_id=1, channel_id=2, interaction_token=INTERACTION_TOKEN
    )
    assert job.interaction_token == INTERACTION_TOKEN
    assert (await store.get(job.id)).interaction_token == INTERACTION_TOKEN
    assert (await store.jobs_for_owner(1, 5))[0].interaction_token == INTERACTION_TOKEN
    async with db.execute("SELECT interaction_token FROM jobs WHERE id = ?", (job.id,)) as cursor:
        (stored,) = await cursor.fetchone()  # type: ignore[misc]
    assert stored != INTERACTION_TOKEN and box.open(stored) == INTERACTION_TOKEN
    # a store with another key cannot open it: the token reads as absent, nothing crashes
    stranger = JobStore(db, box=load_secret_box(Fernet.generate_key().decode(), Path("unused")))
    assert (await stranger.get(job.id)).interaction_token is None


# --- what a copied database file reveals -------------------------------------------------------------------


async def test_raw_database_bytes_hold_no_secret(tmp_path: Path, box: SecretBox) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await open_database(path)
    try:
        await KeyStore(db, box).set(
            KeyScope.USER, 1, "picpik", {"public_key": PUBLIC, "private_key": PRIVATE}, mask(PUBLIC)
        )
        await KeyStore(db, box).set(KeyScope.GUILD, 2, "midjourney", {"username": LOGIN_USER, "password": "pw"}, "••••")
        await SealedTokenStore(db, box).set(f"midjourney|http://127.0.0.1:1|{LOGIN_USER}", LOGIN_TOKEN)
        await JobStore(db, box=box).create(
            kind=JobKind.IMAGINE, provider="picpik", owner_id=1, channel_id=2, interaction_token=INTERACTION_TOKEN
        )
        # before a checkpoint the rows are in the WAL; after it, in the main file: look at both moments
        on_disk_before = raw_bytes(path)
        await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        on_disk_after = raw_bytes(path)
    finally:
        await db.close()
    on_disk_closed = raw_bytes(path)
    for blob in (on_disk_before, on_disk_after, on_disk_closed):
        assert b"service_keys" in blob  # the schema is there: we are reading the right file
        for secret in (PUBLIC, PRIVATE, LOGIN_USER, LOGIN_TOKEN, INTERACTION_TOKEN):
            assert secret.encode() not in blob, secret


async def test_raw_bytes_check_can_fail_without_a_box(tmp_path: Path) -> None:
    """The check above is not vacuous: the same write without sealing is visible in the bytes."""
    path = tmp_path / "bot.sqlite3"
    db = await open_database(path)
    try:
        await JobStore(db).create(
            kind=JobKind.IMAGINE, provider="picpik", owner_id=1, channel_id=2, interaction_token=INTERACTION_TOKEN
        )
        assert INTERACTION_TOKEN.encode() in raw_bytes(path)
    finally:
        await db.close()
