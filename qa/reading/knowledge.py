"""Staff-editable knowledge: unit aliases (corpus/units.yaml) and words (corpus/terms.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..vocabulary import Vocabulary
from .limits import ReadingLimits
from .units import UnitDirectory, clean_unit


@dataclass(frozen=True)
class Lexicon:
    """Synonyms staff use, domain terms to keep whole, and units merged into new ones."""

    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    terms: tuple[str, ...] = ()
    merged_units: dict[str, tuple[str, ...]] = field(default_factory=dict)
    corrections: dict[str, str] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    vocabulary: Vocabulary = field(default_factory=Vocabulary)  # the shipped lists with staff's additions
    renames: tuple = ()  # agency renames from renames.yaml (qa/reading/renames.py: Rename entries)

    def expand(self, word: str) -> tuple[str, ...]:
        """What a word staff use stands for in the plans (empty when it is not a synonym)."""
        return self.synonyms.get(word, ())


# libyaml's parser when PyYAML was built with it (its wheels are): the same documents, read ten times faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_mapping(path: Path, warnings: list[str], limits: ReadingLimits = ReadingLimits()) -> dict:
    """A YAML mapping from `path`, or {} with a warning when it is missing, broken or over a limit."""
    try:
        if not path.is_file():  # a name too long for the file system raises here (ENAMETOOLONG)
            return {}
    except OSError:
        return {}
    try:
        if path.stat().st_size > limits.yaml_bytes:
            warnings.append(f"skipped {path.name}: larger than {limits.yaml_bytes} bytes, the limit of a YAML file")
            return {}
        text = path.read_text(encoding="utf-8-sig")
        # Anchors are counted before anything is built: a merge-key bomb of 500 bytes builds gigabytes.
        aliases = sum(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=SAFE_LOADER))
        if aliases > limits.yaml_aliases:
            warnings.append(f"skipped {path.name}: {aliases} YAML aliases, more than the {limits.yaml_aliases} allowed")
            return {}
        data = yaml.load(text, Loader=SAFE_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        warnings.append(f"skipped {path.name}: not valid YAML ({str(exc).splitlines()[0]})")
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        warnings.append(f"skipped {path.name}: expected a mapping at the top level")
        return {}
    return data


def _str_list(value) -> tuple[str, ...]:
    """A tuple of the strings in a YAML scalar or list (other values dropped)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, (str, int)) and str(v).strip())
    return ()


def load_units(folder: Path, warnings: list[str], limits: ReadingLimits = ReadingLimits()) -> UnitDirectory:
    """The unit directory from `folder`/units.yaml (aliases, the prefix variants, the forms of words in names)."""
    data = load_yaml_mapping(folder / "units.yaml", warnings, limits)
    aliases = (
        {
            str(k): list(_str_list(v))
            for k, v in (data.get("units") or {}).items()
            if isinstance(k, (str, int)) and str(k).strip()
        }
        if isinstance(data.get("units"), dict)
        else {}
    )
    variants = (
        {str(k): list(_str_list(v)) for k, v in (data.get("prefixes") or {}).items()}
        if isinstance(data.get("prefixes"), dict)
        else {}
    )
    words = (
        {str(k): [str(f) if f is not None else "" for f in (v if isinstance(v, list) else [v])]
         for k, v in (data.get("words") or {}).items()}
        if isinstance(data.get("words"), dict)
        else {}
    )
    return UnitDirectory(aliases, variants, words)


def load_lexicon(folder: Path, warnings: list[str], limits: ReadingLimits = ReadingLimits()) -> Lexicon:
    """Synonyms, terms and merged units from `folder`/terms.yaml."""
    data = load_yaml_mapping(folder / "terms.yaml", warnings, limits)
    synonyms_raw = data.get("synonyms") if isinstance(data.get("synonyms"), dict) else {}
    merged_raw = data.get("merged_units") if isinstance(data.get("merged_units"), dict) else {}
    corrections_raw = data.get("corrections") if isinstance(data.get("corrections"), dict) else {}
    return Lexicon(
        synonyms={str(k): _str_list(v) for k, v in synonyms_raw.items() if _str_list(v)},
        terms=_str_list(data.get("terms")),
        merged_units={
            clean_unit(str(k)): tuple(clean_unit(u) for u in _str_list(v))
            for k, v in merged_raw.items()
            if _str_list(v)
        },
        examples=_str_list(data.get("examples")),
        corrections={
            str(k): str(v)
            for k, v in corrections_raw.items()
            if isinstance(v, (str, int)) and str(k).strip() and str(k) != str(v)
        },
        vocabulary=Vocabulary().extended(data["vocabulary"])
        if isinstance(data.get("vocabulary"), dict)
        else Vocabulary(),
    )
