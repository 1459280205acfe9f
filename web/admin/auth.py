"""Who may enter the admin area: the password (a salted hash in the instance folder), the secret key that
signs sessions, and the limit on login attempts per address (shared by workers through the state store)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from qa import StateStore

PASSWORD_FILE = "admin_password"
SECRET_FILE = "secret_key"
MIN_PASSWORD = 8
MAX_PASSWORD = 200


@functools.cache
def _no_password() -> str:
    """A hash checked when no password is set, so that a login takes as long whether or not one is (made on
    the first login, not at start-up: scrypt takes a tenth of a second)."""
    return generate_password_hash(secrets.token_hex(16))


def write_private(path: Path, text: str, exclusive: bool = False) -> bool:
    """Write a file only its owner can read, all at once; with `exclusive`, only when it does not exist yet.

    False when `exclusive` and another process wrote it first.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, 0o600)
        if exclusive:
            try:
                os.link(temporary, path)  # fails if the file exists: two workers starting at once agree
            except FileExistsError:
                return False
            except OSError:  # a file system without hard links
                if path.exists():
                    return False
                os.replace(temporary, path)
                return True
        else:
            os.replace(temporary, path)
            return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return True


def load_secret_key(folder: Path) -> str:
    """The app's secret key from the instance folder, made (random, 256 bits) on the first start."""
    path = Path(folder) / SECRET_FILE
    for _ in range(50):
        if path.is_file():
            key = path.read_text(encoding="utf-8").strip()
            if len(key) >= 32:
                return key
        elif write_private(path, secrets.token_hex(32) + "\n", exclusive=True):
            continue
        time.sleep(0.02)  # another worker is writing it
    raise RuntimeError(f"{path} holds no usable secret key; delete it to have a new one made")


def set_password(folder: Path, password: str) -> Path:
    """Store a salted hash of the admin password (never the password); ValueError for a weak one."""
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValueError(f"the password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    if password.strip() != password:
        raise ValueError("the password must not begin or end with a space")
    path = Path(folder) / PASSWORD_FILE
    write_private(path, generate_password_hash(password) + "\n")  # scrypt with a random salt
    return path


def stored_hash(folder: Path) -> str:
    """The stored password hash, or '' while none is set."""
    path = Path(folder) / PASSWORD_FILE
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def check_password(folder: Path, password: str) -> bool:
    """Whether `password` is the admin password (False while none is set)."""
    stored = stored_hash(folder)
    if not stored:
        check_password_hash(_no_password(), password)
        return False
    try:
        return check_password_hash(stored, password)
    except ValueError:  # a damaged file
        return False


def generation(folder: Path) -> str:
    """A fingerprint of the stored hash: sessions carry it, so setting a new password logs everyone out."""
    stored = stored_hash(folder)
    return hashlib.sha256(stored.encode()).hexdigest()[:16] if stored else ""


class AdminSessions:
    """Admin logins kept in the shared state store, so that a logout ends one for every worker and server.

    The signed cookie carries a random session id; the store holds a hash of it until the login's lifetime
    ends or the admin logs out. A cookie copied before the logout is then refused everywhere, where a signed
    cookie alone would stay valid until it expires. While the store is down, no one is logged in (closed,
    never open).
    """

    def __init__(self, store: StateStore, minutes: int):
        if minutes < 1:
            raise ValueError(f"ADMIN_SESSION_MINUTES must be a positive number, got {minutes!r}")
        self.store, self.ttl = store, minutes * 60.0

    @staticmethod
    def key(session_id: str) -> str:
        """The store's key of a session id (a hash: the store never holds a usable id)."""
        return "admin:" + hashlib.sha256(session_id.encode()).hexdigest()[:32]

    def start(self) -> str | None:
        """A new session id, kept for the login's lifetime; None when the store cannot keep it."""
        session_id = secrets.token_urlsafe(32)
        self.store.put(self.key(session_id), {"at": time.time()}, ttl=self.ttl)
        return session_id if self.alive(session_id) else None

    def alive(self, session_id: object) -> bool:
        """Whether this session id was given at a login and has not ended."""
        if not isinstance(session_id, str) or not session_id:
            return False
        return self.store.get(self.key(session_id)) is not None

    def end(self, session_id: object) -> None:
        """End a session: its cookie no longer logs anyone in, on any worker."""
        if isinstance(session_id, str) and session_id:
            self.store.delete(self.key(session_id))


class LoginLimiter:
    """At most `attempts` login attempts per address in `window` seconds, counted in the shared state store.

    Counted with StateStore.incr rather than Flask-Limiter: the limits library has no SQLite storage, so
    with the default SQLite state each worker would count apart (and the tenth attempt might reach a
    worker that has seen one); the state store is already shared by every worker and server, SQLite or
    Redis. While the store is down, each process counts on its own, so the limit still holds per worker.
    """

    def __init__(self, store: StateStore, attempts: int = 9, window: float = 60.0):
        if not isinstance(attempts, int) or attempts < 1:
            raise ValueError(f"LOGIN_ATTEMPTS must be a positive number, got {attempts!r}")
        if window <= 0:
            raise ValueError(f"the login window must be positive, got {window!r}")
        self.store, self.attempts, self.window = store, attempts, float(window)
        self._local: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        """Count one attempt from `address`; False once it has made more than `attempts` in the window."""
        key = "login:" + hashlib.sha256(address.encode()).hexdigest()[:32]
        count = self.store.incr(key, self.window)
        if count == 0:  # the store is down: count in this process
            now = time.monotonic()
            with self._lock:
                start, seen = self._local.get(key, (now, 0))
                if now - start >= self.window:
                    start, seen = now, 0
                self._local[key] = (start, seen + 1)
                if len(self._local) > 10000:
                    self._local.clear()
                count = seen + 1
        return count <= self.attempts
