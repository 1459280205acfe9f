"""The callback crypto against the platforms' published samples and an independent implementation (wechatpy)."""

from __future__ import annotations

import base64

import pytest
import xmltodict
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto as OfficialAccountCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature

from web.wechat.crypto import (
    CryptoError,
    MessageCrypto,
    WrongReceiver,
    decode_aes_key,
    signature,
    signature_matches,
)

# The WeCom callback sample (WXBizMsgCrypt Sample.cs / Sample.py of the official weworkapi libraries).
SAMPLE_TOKEN = "QDG6eK"
SAMPLE_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
SAMPLE_CORP_ID = "wx5823bf96d3bd56c7"
VERIFY = {
    "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "timestamp": "1409659589",
    "nonce": "263014780",
    "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
}
MESSAGE = {
    "msg_signature": "477715d11cdb4164915debcba66cb864d751f3e6",
    "timestamp": "1409659813",
    "nonce": "1372623149",
    "Encrypt": (
        "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911"
        "L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLx"
        "AUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9"
        "nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/u"
        "h9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
    ),
}

# wechatpy's own vectors (tests/test_crypto.py): an encryption with a fixed 16-byte prefix.
WPY_TOKEN, WPY_KEY, WPY_CORP_ID = (
    "123456",
    "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
    "wx49f0ab532d5d035a",
)
WPY_REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
WPY_ENCRYPT = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZ"
    "gURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/"
    "WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQ"
    "mmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
)

APP_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


@pytest.fixture()
def sample() -> MessageCrypto:
    """The server's crypto with the WeCom sample's settings."""
    return MessageCrypto(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_CORP_ID, "WECOM_AES_KEY")


def test_official_verify_url_sample(sample):
    assert sample.verify(VERIFY["msg_signature"], VERIFY["timestamp"], VERIFY["nonce"], VERIFY["echostr"])
    assert sample.decrypt(VERIFY["echostr"]) == "1616140317555161061"
    # the same plaintext as an independent implementation finds
    assert (
        WeComCrypto(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_CORP_ID).check_signature(
            VERIFY["msg_signature"], VERIFY["timestamp"], VERIFY["nonce"], VERIFY["echostr"]
        )
        == "1616140317555161061"
    )


def test_official_message_sample(sample):
    assert sample.verify(MESSAGE["msg_signature"], MESSAGE["timestamp"], MESSAGE["nonce"], MESSAGE["Encrypt"])
    message = xmltodict.parse(sample.decrypt(MESSAGE["Encrypt"]))["xml"]
    assert message["FromUserName"] == "mycreate" and message["Content"] == "hello"
    assert message["ToUserName"] == SAMPLE_CORP_ID and message["AgentID"] == "218"


def test_sample_signature_fails_when_any_part_changes(sample):
    parts = [VERIFY["timestamp"], VERIFY["nonce"], VERIFY["echostr"]]
    for i in range(3):
        changed = list(parts)
        changed[i] = changed[i][:-1] + ("0" if changed[i][-1] != "0" else "1")
        assert not sample.verify(VERIFY["msg_signature"], *changed)
    assert not sample.verify(VERIFY["msg_signature"].upper(), *parts)
    assert not sample.verify("", *parts)


def test_encryption_matches_wechatpy_vector_byte_for_byte():
    crypto = MessageCrypto(WPY_TOKEN, WPY_KEY, WPY_CORP_ID)
    encrypted = crypto.encrypt(WPY_REPLY, random_prefix=b"1234567890123456")
    assert encrypted == WPY_ENCRYPT
    assert crypto.sign("1411525903", "461056294", encrypted) == "407518b7649e86ef23978113f92d27afa9296533"
    sealed = crypto.seal(WPY_REPLY, 1411525903, "461056294")
    assert (
        list(sealed) == ["Encrypt", "MsgSignature", "TimeStamp", "Nonce"]
        and sealed["TimeStamp"] == 1411525903
    )


def test_plain_signature_agrees_with_wechatpy():
    sig = signature("mytoken", "1700000000", "98765")
    check_signature("mytoken", sig, "1700000000", "98765")  # raises when they disagree
    with pytest.raises(InvalidSignatureException):
        check_signature("othertoken", sig, "1700000000", "98765")
    assert signature_matches(sig, "mytoken", "98765", "1700000000")  # order of the parts does not matter
    assert not signature_matches(sig + "0", "mytoken", "1700000000", "98765")
    assert not signature_matches("签名", "mytoken", "1700000000", "98765")  # non-ASCII: refused, not an error


@pytest.mark.parametrize("length", range(0, 70))
def test_every_padding_length_round_trips_with_wechatpy(length):
    ours = MessageCrypto("tok", APP_KEY, "wxappid")
    theirs = OfficialAccountCrypto("tok", APP_KEY, "wxappid")
    text = "x" * length
    sealed = ours.seal(text, 1700000000, "42")
    assert (
        theirs.decrypt_message({"Encrypt": sealed["Encrypt"]}, sealed["MsgSignature"], "1700000000", "42")
        == text
    )
    assert len(base64.b64decode(sealed["Encrypt"])) % 32 == 0  # padded to 32-byte blocks, not AES's 16
    their_xml = xmltodict.parse(theirs.encrypt_message(text, "42", "1700000000"))["xml"]
    assert ours.verify(their_xml["MsgSignature"], "1700000000", "42", their_xml["Encrypt"])
    assert ours.decrypt(their_xml["Encrypt"]) == text


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_text_round_trips(text):
    ours = MessageCrypto("tok", APP_KEY, "wxappid")
    theirs = OfficialAccountCrypto("tok", APP_KEY, "wxappid")
    assert ours.decrypt(ours.encrypt(text)) == text
    their_xml = xmltodict.parse(theirs.encrypt_message(text, "7", "1700000000"))["xml"]
    assert ours.decrypt(their_xml["Encrypt"]) == text


def test_message_for_another_account_is_refused():
    other = WeComCrypto(SAMPLE_TOKEN, SAMPLE_KEY, "wwanothercorp")
    encrypted = xmltodict.parse(other.encrypt_message("<xml/>", "1", "1700000000"))["xml"]["Encrypt"]
    crypto = MessageCrypto(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_CORP_ID)
    with pytest.raises(WrongReceiver):
        crypto.decrypt(encrypted)


@pytest.mark.parametrize(
    "encrypted",
    [
        "not base64!",
        "",
        "AAAA",
        base64.b64encode(b"\x00" * 15).decode(),  # not whole blocks
        base64.b64encode(b"\x00" * 32).decode(),  # decrypts to garbage padding
        MESSAGE["Encrypt"][:-24] + "AAAAAAAAAAAAAAAAAAAAAA==",  # last block damaged
    ],
)
def test_malformed_ciphertexts_raise_crypto_error(sample, encrypted):
    with pytest.raises(CryptoError):
        sample.decrypt(encrypted)


def test_length_field_beyond_plaintext_is_refused():
    crypto = MessageCrypto("tok", APP_KEY, "wxappid")
    # a well-padded plaintext whose 4-byte length claims more than it holds
    key = base64.b64decode(APP_KEY + "=")
    plain = b"r" * 16 + (10_000).to_bytes(4, "big") + b"short" + b"wxappid"
    plain += bytes([32 - len(plain) % 32]) * (32 - len(plain) % 32)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    with pytest.raises(CryptoError, match="length"):
        crypto.decrypt(base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode())


@pytest.mark.parametrize(
    "value", ["", "short", APP_KEY[:-1], APP_KEY + "A", APP_KEY[:-1] + "=", APP_KEY[:-1] + "中"]
)
def test_bad_encoding_aes_key_names_the_setting_not_the_key(value):
    with pytest.raises(ValueError, match="WECHAT_AES_KEY") as caught:
        decode_aes_key(value, "WECHAT_AES_KEY")
    assert not value or value not in str(caught.value)


def test_key_decodes_to_32_bytes():
    assert len(decode_aes_key(SAMPLE_KEY, "WECOM_AES_KEY")) == 32


@pytest.mark.parametrize("token, receive_id, bad", [("", "wx1", "token"), ("tok", "", "receive_id")])
def test_construction_checks_its_parameters(token, receive_id, bad):
    with pytest.raises(ValueError, match=bad):
        MessageCrypto(token, APP_KEY, receive_id)
