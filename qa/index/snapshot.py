"""The start-up snapshot: what building an index computes from the plans, kept in files beside one another
(safe formats, never pickle) so that a restart over the same plans skips the slow parts of the build.

- `<name>.json`: jieba's words of each text, keyed by the tokenizer's identity (its dictionary additions,
  stop words, jieba's and this format's version); each entry by the text itself, so a changed plan costs
  only its changed clauses.
- `<name>.jieba`: jieba's own dictionary, as one block of words and one of counts, which loads in a
  fraction of the time of jieba's marshal cache.
- `<name>.bm25.npz`: the BM25 postings, keyed by a digest of every clause's tokens and the BM25 settings,
  and by a digest of the texts indexed (with the tokenizer's identity), under which a restart over the same
  texts reads them, with each clause's terms, without the texts' words or tokens.
- `<name>.added.json`: what adding the plans' words to jieba's dictionary left in it (each word's count and
  its new prefixes), keyed by the dictionary and the words in order: adding them anew cuts each word.
- `<name>.texts`: what retrieval indexes of each clause (retrieve.kept_texts), keyed by the clauses' fields
  and the code that makes the texts (its files' bytes).
- `<name>.vocabulary.json`: the normaliser's tables of the plans' words by sound and by short form, and the
  compounds it took (answering/normalise.PlanVocabulary), keyed by the words, the tokenizer, the texts, the
  readings and normalise.py's bytes. (`<name>.pinyin.json`, the readings, is answering/readings.py's.)

A restart over the same plans reads the texts, the postings and the tables, and cuts no clause's text: the
words of a text are cut when one is asked for (tokenize.TextWords). A missing, stale or damaged file is rebuilt; failing to write one only costs the next start-up its speed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from .jieba_import import jieba

log = logging.getLogger(__name__)
FORMAT = 3  # bumped whenever a file's layout changes or words would come out otherwise for the same text
JIEBA_DICTIONARY = Path(jieba.__file__).resolve().parent / "dict.txt"


def part(snapshot: Path, suffix: str) -> Path:
    """The snapshot's file of one part: index-snapshot.json → index-snapshot.jieba, index-snapshot.bm25.npz."""
    return snapshot.with_suffix(suffix)


def write_atomically(path: Path, write: Callable[[io.BufferedWriter], None]) -> None:
    """Write a file through a temporary one (a half-written file is never read); a failure is logged."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as file:
            write(file)
        os.replace(partial, path)
    except OSError as exc:
        log.warning("could not write the snapshot file %s (%s); the next start-up rebuilds it", path, exc)
        with contextlib.suppress(OSError):  # a folder in the way of the file, gone meanwhile …
            partial.unlink(missing_ok=True)


# -- jieba's words of each text ------------------------------------------------------------------------
def tokenizer_key(added: Iterable[str], stop_words: Iterable[str]) -> str:
    """The identity of a tokenizer: the same key, the same words and tokens for every text."""
    digest = hashlib.sha256(f"{FORMAT}|{jieba.__version__}|".encode())
    for word in sorted(added):
        digest.update(word.encode("utf-8") + b"\x00")
    digest.update(b"\x01")
    for word in sorted(stop_words):
        digest.update(word.encode("utf-8") + b"\x00")
    return digest.hexdigest()


def load_words(path: Path, key: str) -> dict[str, list[str]]:
    """The snapshot's words by text, or {} when it is missing, of another tokenizer, or damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, RecursionError, MemoryError) as exc:
        log.warning("index snapshot %s is unreadable (%s); rebuilding it", path, exc)
        return {}
    if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("words"), dict):
        return {}
    return {text: words for text, words in data["words"].items()
            if isinstance(words, list) and all(isinstance(w, str) for w in words)}


def save_words(path: Path, key: str, words: dict[str, list[str]]) -> None:
    """Keep the words of these texts (only these: the file never grows stale)."""
    body = json.dumps({"key": key, "words": words}, ensure_ascii=False).encode("utf-8")
    write_atomically(path, lambda file: file.write(body))


# -- jieba's dictionary ----------------------------------------------------------------------------------
def dictionary_key() -> str:
    """The identity of jieba's dictionary as installed: its version, and its file's size and time."""
    stat = JIEBA_DICTIONARY.stat()
    return f"{FORMAT}|{jieba.__version__}|{stat.st_size}|{stat.st_mtime_ns}"


def load_dictionary(path: Path, key: str) -> tuple[dict[str, int], int] | None:
    """jieba's dictionary (counts by word, total) from the file, or None when missing, stale or damaged."""
    try:
        with path.open("rb") as file:
            header = json.loads(file.readline())
            words = file.read(header["words_bytes"]).decode("utf-8").split("\n")
            counts = np.frombuffer(file.read(), dtype="<i8")
        if header["key"] != key or not len(words) == len(counts) == header["count"]:
            return None
        return dict(zip(words, counts.tolist())), int(header["total"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, RecursionError, MemoryError) as exc:
        log.warning("jieba dictionary snapshot %s is unreadable (%s); loading jieba's own", path, exc)
        return None


def dictionary_kept(path: Path, key: str) -> bool:
    """Whether the file holds this dictionary (by its header alone)."""
    try:
        with path.open("rb") as file:
            return json.loads(file.readline()).get("key") == key
    except (OSError, ValueError, AttributeError, RecursionError, MemoryError):
        return False


def save_dictionary(path: Path, key: str, freq: dict[str, int], total: int) -> None:
    """Keep jieba's dictionary: a JSON header line, the words joined by newlines, their counts as int64."""
    if any("\n" in word for word in freq):  # the words are stored one per line
        return
    words = "\n".join(freq).encode("utf-8")
    header = json.dumps({"key": key, "total": total, "count": len(freq), "words_bytes": len(words)})

    def write(file: io.BufferedWriter) -> None:
        file.write(header.encode() + b"\n")
        file.write(words)
        file.write(np.fromiter(freq.values(), dtype="<i8", count=len(freq)).tobytes())

    write_atomically(path, write)


# -- the plans' words added to jieba's dictionary --------------------------------------------------------------
def added_key(dictionary: str, pieces: Sequence[str]) -> str:
    """The identity of a set of additions: the dictionary they were made to, and the words in their order
    (each word's count depends on the total the words before it left)."""
    digest = hashlib.sha256(f"{FORMAT}|{dictionary}|".encode())
    for piece in pieces:
        digest.update(piece.encode("utf-8") + b"\x00")
    return digest.hexdigest()


def load_added(path: Path, key: str) -> tuple[list[str], dict[str, int], int] | None:
    """(the words added, the dictionary entries they made, the total after), or None when missing or stale."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        added, entries, total = data["added"], data["entries"], int(data["total"])
        if not (isinstance(added, list) and isinstance(entries, dict)
                and all(isinstance(v, int) for v in entries.values())):
            return None
        return [str(w) for w in added], entries, total
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, RecursionError, MemoryError) as exc:
        log.warning("snapshot of the added words %s is unreadable (%s); adding them anew", path, exc)
        return None


def save_added(path: Path, key: str, added: list[str], entries: dict[str, int], total: int) -> None:
    """Keep what adding the words made."""
    body = json.dumps({"key": key, "added": added, "entries": entries, "total": total}, ensure_ascii=False)
    write_atomically(path, lambda file: file.write(body.encode("utf-8")))


# -- BM25 postings -----------------------------------------------------------------------------------------
def postings_key(corpus_tokens: Sequence[Sequence[str]], *settings: float) -> str:
    """The identity of an index's postings: every clause's tokens, in order, and the BM25 settings."""
    digest = hashlib.sha256(f"{FORMAT}|{settings!r}|{len(corpus_tokens)}".encode())
    seen: dict[int, bytes] = {}  # copies of a plan share their token lists: each list is encoded once
    for tokens in corpus_tokens:
        encoded = seen.get(id(tokens))
        if encoded is None:
            encoded = seen[id(tokens)] = hashlib.sha256("\x00".join(tokens).encode("utf-8")).digest()
        digest.update(encoded)
    return digest.hexdigest()


def load_postings(path: Path, key: str) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """(terms, each term's end offset, clause ids, weights, idf per term) or None when missing, stale or
    damaged."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if bytes(data["key"]).decode() != key:
                return None
            terms = bytes(data["terms"]).decode("utf-8").split("\n") if data["terms"].size else []
            ends, docs, weights, idf = data["ends"], data["docs"], data["weights"], data["idf"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("BM25 snapshot %s is unreadable (%s); rebuilding it", path, exc)
        return None
    if not len(terms) == len(ends) == len(idf) or not len(docs) == len(weights) == (int(ends[-1]) if len(ends) else 0):
        return None
    return terms, ends, docs, weights, idf


def save_postings(path: Path, key: str, terms: list[str], ends: np.ndarray, docs: np.ndarray,
                  weights: np.ndarray, idf: np.ndarray, texts: str = "", size: int = 0) -> None:
    """Keep the postings as plain arrays in an .npz file (no pickled objects); with `texts` (a texts_key) and
    the number of clauses, each clause's terms too, for a restart over the same texts (load_postings_of_texts)."""
    if any("\n" in term for term in terms):  # the terms are stored one per line
        return
    arrays = {
        "key": np.frombuffer(key.encode(), dtype=np.uint8),
        "terms": np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8),
        "ends": ends, "docs": docs, "weights": weights, "idf": idf,
    }
    if texts and size >= (int(docs.max()) + 1 if docs.size else 0):
        arrays["texts_key"] = np.frombuffer(texts.encode(), dtype=np.uint8)
        arrays["doc_terms"], arrays["doc_ends"] = terms_by_doc(ends, docs, size)
    write_atomically(path, lambda file: np.savez(file, **arrays))


# -- what retrieval indexes of each clause ----------------------------------------------------------------
def fields_key(fields: Sequence[str], code: str) -> str:
    """The identity of some clauses' texts as `code` makes them: the fields they are made of, in order."""
    digest = hashlib.sha256(f"{FORMAT}|{code}|{len(fields)}".encode())
    digest.update(np.fromiter(map(len, fields), dtype="<i8", count=len(fields)).tobytes())
    digest.update("".join(fields).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def load_texts(path: Path, key: str, count: int) -> list[str] | None:
    """The `count` texts kept for this key, or None when missing, of other clauses or code, or damaged."""
    try:
        with path.open("rb") as file:
            header = json.loads(file.readline())
            if not isinstance(header, dict) or header.get("key") != key or header.get("clauses") != count:
                return None
            distinct = file.read(header["text_bytes"]).decode("utf-8", "surrogatepass").split("\x00")
            index = np.frombuffer(file.read(), dtype="<i4")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, RecursionError, MemoryError) as exc:
        log.warning("snapshot of the indexed texts %s is unreadable (%s); making them anew", path, exc)
        return None
    if len(distinct) != header.get("texts") or len(index) != count or \
            (count and (int(index.min()) < 0 or int(index.max()) >= len(distinct))):
        return None
    return [distinct[i] for i in index.tolist()]


def save_texts(path: Path, key: str, texts: Sequence[str]) -> None:
    """Keep each clause's text: a JSON header line, the distinct texts joined by NUL, each clause's as int32."""
    distinct = list(dict.fromkeys(texts))
    if any("\x00" in text for text in distinct):  # the texts are stored apart by NUL
        return
    number = {text: n for n, text in enumerate(distinct)}
    body = "\x00".join(distinct).encode("utf-8", "surrogatepass")
    header = json.dumps({"key": key, "clauses": len(texts), "texts": len(distinct), "text_bytes": len(body)})

    def write(file: io.BufferedWriter) -> None:
        file.write(header.encode() + b"\n")
        file.write(body)
        file.write(np.fromiter((number[text] for text in texts), dtype="<i4", count=len(texts)).tobytes())

    write_atomically(path, write)


# -- the postings of the same texts, read without their tokens ----------------------------------------------
def source_key(*paths: Path) -> str:
    """The identity of some code: its files' bytes (an edit, even one that forgot to bump FORMAT, is another)."""
    digest = hashlib.sha256()
    for path in paths:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\x00missing")
    return digest.hexdigest()


def texts_key(tokenizer: str, texts: Sequence[str], *settings: float) -> str:
    """The identity of an index by what it indexes: the tokenizer's identity (its dictionary, added and stop
    words: the same tokens of the same text), every clause's text in order, and the BM25 settings; and the
    code that makes tokens and postings of them."""
    here = Path(__file__).resolve().parent
    # retrieve.py turns a text's words into the tokens the postings hold
    code = source_key(here / "tokenize.py", here / "bm25.py", here / "snapshot.py", here / "retrieve.py")
    digest = hashlib.sha256(f"{FORMAT}|{code}|{tokenizer}|{settings!r}|{len(texts)}".encode())
    digest.update(np.fromiter(map(len, texts), dtype="<i8", count=len(texts)).tobytes())  # where each ends
    digest.update("".join(texts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def terms_by_doc(ends: np.ndarray, docs: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The postings turned around: each clause's terms (as term numbers) one clause after another, and where
    each clause's end."""
    term_of = np.repeat(np.arange(len(ends), dtype=np.int32), np.diff(ends, prepend=0))
    order = np.argsort(docs, kind="stable")
    return term_of[order], np.cumsum(np.bincount(docs, minlength=size)).astype(np.int64)


def load_postings_of_texts(
    path: Path, key: str, size: int
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """(terms, each term's end offset, clause ids, weights, idf per term, each clause's term numbers, each
    clause's end offset in them) kept for these texts (texts_key) and `size` clauses, or None when missing,
    of other texts or damaged."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if "texts_key" not in data.files or bytes(data["texts_key"]).decode() != key:
                return None
            terms = bytes(data["terms"]).decode("utf-8").split("\n") if data["terms"].size else []
            ends, docs, weights, idf = data["ends"], data["docs"], data["weights"], data["idf"]
            doc_terms, doc_ends = data["doc_terms"], data["doc_ends"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("BM25 snapshot %s is unreadable (%s); rebuilding it", path, exc)
        return None
    if not (len(terms) == len(ends) == len(idf) and len(docs) == len(weights) == len(doc_terms)
            == (int(ends[-1]) if len(ends) else 0) and len(doc_ends) == size
            and (int(doc_ends[-1]) if size else 0) == len(doc_terms)
            and doc_terms.dtype.kind == doc_ends.dtype.kind == "i"
            and (doc_terms.size == 0 or (int(doc_terms.min()) >= 0 and int(doc_terms.max()) < len(terms)))
            and bool(np.all(np.diff(doc_ends, prepend=0) >= 0))):
        return None
    return terms, ends, docs, weights, idf, doc_terms, doc_ends
