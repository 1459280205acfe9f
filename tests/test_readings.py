"""Pinyin readings: tones ignored and near sounds merged, kept in a snapshot file so that a start-up over the
same plans imports no pypinyin, and never reading otherwise than pypinyin itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa.answering.readings import (
    COMMON,
    Readings,
    fold_syllable,
    readings_key,
    syllable,
    typed_key,
    word_keys,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "heard, folded",
    [
        ("zheng", "zen"),
        ("chi", "ci"),
        ("shi", "si"),
        ("nong", "long"),
        ("ying", "yin"),
        ("zhang", "zan"),
        ("xiong", "xiong"),
        ("a", "a"),
    ],
)
def test_near_sounds_are_merged(heard, folded):
    assert fold_syllable(heard) == folded


def test_pinyin_keys_ignore_tones_and_near_sounds():
    assert typed_key("证照分里") == typed_key("证照分离")  # li, li
    assert typed_key("公平竞正") == typed_key("公平竞争")  # zheng, zheng
    assert typed_key("信心") == typed_key("性心")  # xin / xing: -in and -ing merge
    assert typed_key("增长") in word_keys("增长") and "zen zan" in word_keys("增长")  # 长 read in context


def test_a_character_without_a_reading_stands_for_itself():
    assert syllable("A") == "A" and typed_key("A证") == f"A {syllable('证')}"


def test_the_kept_table_reads_every_common_character_as_pypinyin_does(tmp_path):
    path = tmp_path / "readings.json"
    Readings(path).save()
    kept = json.loads(path.read_text(encoding="utf-8"))["syllables"]
    assert set(COMMON) <= set(kept)
    # every 97th character across the block, those with no reading included (U+9FEF and after)
    for char in [*COMMON[::97], "\u9fff", "\u9ff0"]:
        assert kept[char] == syllable(char), char


def test_a_second_start_reads_the_file_and_imports_no_pypinyin(tmp_path):
    path = tmp_path / "readings.json"
    first = Readings(path)
    assert first.word_keys("增长") == sorted(word_keys("增长"))
    first.save()
    probe = (
        "import json, sys; from pathlib import Path; from qa.answering.readings import Readings; "
        f"r = Readings(Path({str(path)!r})); "
        "print(json.dumps([r.word_keys('增长'), r.typed_key('证照分里'), 'pypinyin' in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    keys, key, imported = json.loads(out.stdout)
    assert set(keys) == word_keys("增长") and key == typed_key("证照分里")
    assert not imported


def test_the_file_keeps_only_the_words_asked_for_since(tmp_path):
    path = tmp_path / "readings.json"
    first = Readings(path)
    first.word_keys("增长")
    first.word_keys("证照")
    first.save()
    second = Readings(path)
    second.word_keys("证照")
    second.save()
    assert set(json.loads(path.read_text(encoding="utf-8"))["words"]) == {"证照"}


@pytest.mark.parametrize("damage", ["{not json", '{"key": "other", "syllables": {}, "words": {}}',
                                    '{"key": "%s", "syllables": {"证": 3}, "words": {}}'])
def test_a_damaged_or_stale_file_is_rebuilt(tmp_path, damage):
    path = tmp_path / "readings.json"
    key = readings_key()
    path.write_text(damage.replace("%s", key), encoding="utf-8")
    readings = Readings(path)
    assert readings.typed_key("证照") == typed_key("证照")
    readings.word_keys("证照")
    readings.save()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["key"] == key and data["syllables"]["证"] == syllable("证")


def test_without_a_file_nothing_is_written(tmp_path):
    readings = Readings(None)
    readings.word_keys("增长")
    readings.save()
    assert list(tmp_path.iterdir()) == []
