"""Callback crypto shared by the WeChat Official Account and WeCom: SHA-1 signatures, AES-256-CBC bodies.

The scheme (the platforms' WXBizMsgCrypt samples): the key is base64(EncodingAESKey + "="), 32 bytes; the IV
is its first 16 bytes; the plaintext is 16 random bytes, the message length as 4 bytes in network order, the
message, then the AppID (Official Account) or CorpID (WeCom), PKCS#7-padded to a multiple of 32 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAD_BLOCK = 32  # the platforms pad to 32 bytes, not to AES's 16
ENCODING_AES_KEY = re.compile(r"[A-Za-z0-9+/]{43}")


class CryptoError(ValueError):
    """A ciphertext that does not decrypt to a well-formed message."""


class WrongReceiver(CryptoError):
    """A message that decrypts but was sealed for another AppID or CorpID."""


def signature(*parts: str) -> str:
    """The platforms' signature: SHA-1 hex of the parts sorted and joined."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_matches(given: str, *parts: str) -> bool:
    """Whether `given` is the signature of the parts, compared in constant time."""
    return hmac.compare_digest(signature(*parts).encode("ascii"), str(given).encode("utf-8"))


def decode_aes_key(encoding_aes_key: str, setting: str) -> bytes:
    """The 32-byte AES key of a 43-character EncodingAESKey; ValueError names the setting (never the key)."""
    value = str(encoding_aes_key or "")
    if not ENCODING_AES_KEY.fullmatch(value):
        raise ValueError(
            f"{setting} must be the 43-character EncodingAESKey shown in the console "
            f"(letters and digits, base64), got {len(value)} characters"
            + ("" if len(value) != 43 else " with characters outside base64")
        )
    key = base64.b64decode(value + "=")
    if len(key) != 32:  # cannot happen for 43 base64 characters; kept as the invariant the cipher needs
        raise ValueError(f"{setting} does not decode to a 32-byte AES key")
    return key


class MessageCrypto:
    """Signs, encrypts and decrypts callback messages of one account: its Token,
    EncodingAESKey and AppID/CorpID."""

    def __init__(
        self, token: str, encoding_aes_key: str, receive_id: str, key_setting: str = "encoding_aes_key"
    ):
        if not token:
            raise ValueError(f"token must not be empty, got {token!r}")
        if not receive_id:
            raise ValueError(f"receive_id (the AppID or CorpID) must not be empty, got {receive_id!r}")
        self.token = token
        self.receive_id = receive_id.encode("utf-8")
        self._key = decode_aes_key(encoding_aes_key, key_setting)

    def sign(self, timestamp: str, nonce: str, encrypted: str) -> str:
        """msg_signature of an encrypted body."""
        return signature(self.token, timestamp, nonce, encrypted)

    def verify(self, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> bool:
        """Whether msg_signature signs this encrypted body (check this before decrypting)."""
        return signature_matches(msg_signature, self.token, timestamp, nonce, encrypted)

    def _cipher(self) -> Cipher:
        """AES-256-CBC with this account's key; the IV is the key's first 16 bytes, as the platforms use."""
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, message: str, random_prefix: bytes | None = None) -> str:
        """The base64 ciphertext of a message, sealed for this account."""
        prefix = os.urandom(16) if random_prefix is None else random_prefix
        if len(prefix) != 16:
            raise ValueError(f"random_prefix must be 16 bytes, got {len(prefix)}")
        body = message.encode("utf-8")
        plain = prefix + struct.pack(">I", len(body)) + body + self.receive_id
        pad = PAD_BLOCK - len(plain) % PAD_BLOCK
        plain += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypted: str) -> str:
        """The message in a base64 ciphertext; CryptoError when malformed,
        WrongReceiver for another account."""
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise CryptoError("the ciphertext is not base64") from None
        if not raw or len(raw) % 16:
            raise CryptoError("the ciphertext is not a whole number of AES blocks")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(raw) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= PAD_BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise CryptoError("the padding is invalid")
        content = plain[16:-pad]
        if len(content) < 4:
            raise CryptoError("the plaintext is too short")
        (length,) = struct.unpack(">I", content[:4])
        if length > len(content) - 4:
            raise CryptoError("the message length exceeds the plaintext")
        message, receiver = content[4 : 4 + length], content[4 + length :]
        if not hmac.compare_digest(receiver, self.receive_id):
            raise WrongReceiver("the message was sealed for another AppID/CorpID")
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError:
            raise CryptoError("the message is not UTF-8") from None

    def seal(self, message: str, timestamp: int, nonce: str) -> dict[str, str | int]:
        """The fields of an encrypted reply, in the platforms' order: Encrypt, MsgSignature, TimeStamp,
        Nonce."""
        encrypted = self.encrypt(message)
        return {
            "Encrypt": encrypted,
            "MsgSignature": self.sign(str(timestamp), nonce, encrypted),
            "TimeStamp": int(timestamp),
            "Nonce": nonce,
        }
