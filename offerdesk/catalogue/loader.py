"""Loading the catalogue files shipped in the package (and any in OFFERDESK_CATALOGUE_DIR)."""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from offerdesk.core.errors import NotFound

from .schema import CatalogueFile, Offer, ParameterSpec

DATA_DIR = Path(__file__).resolve().parent / "data"


class CatalogueError(Exception):
    """A catalogue file that does not validate."""


@dataclass(frozen=True)
class LoadedProgram:
    """A validated program file and its checksum."""

    file: CatalogueFile
    path: Path
    checksum: str

    @property
    def code(self) -> str:
        return self.file.program.code

    @property
    def rulebook(self) -> str:
        return self.file.program.rulebook

    def parameter(self, key: str) -> ParameterSpec:
        """A parameter by its key or one of its aliases."""
        for spec in self.file.parameters:
            if key in spec.names():
                return spec
        raise KeyError(key)


@dataclass(frozen=True)
class Catalogue:
    """Every program and offer, indexed."""

    programs: dict[str, LoadedProgram]
    offers_by_code: dict[str, tuple[LoadedProgram, Offer]] = field(default_factory=dict)
    offers_by_name: dict[str, str] = field(default_factory=dict)

    def offer(self, code: str) -> tuple[LoadedProgram, Offer]:
        try:
            return self.offers_by_code[code]
        except KeyError:
            raise NotFound(f"unknown offer {code!r}") from None

    def offer_code_for_name(self, name: str) -> str:
        try:
            return self.offers_by_name[name.strip().lower()]
        except KeyError:
            known = ", ".join(sorted(o.name for _, o in self.offers_by_code.values()))
            raise NotFound(f"unknown offer {name!r}; the catalogue has: {known}") from None

    def programs_with_parameter(self, key: str) -> list[LoadedProgram]:
        return [p for p in self.programs.values() if any(key in s.names() for s in p.file.parameters)]


def load_file(path: Path) -> LoadedProgram:
    """Read and validate one program file."""
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        parsed = CatalogueFile.model_validate(data)
    except (tomllib.TOMLDecodeError, ValidationError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path.name}: {exc}") from exc
    return LoadedProgram(file=parsed, path=path, checksum=hashlib.sha256(raw).hexdigest())


def catalogue_dirs() -> list[Path]:
    extra = os.environ.get("OFFERDESK_CATALOGUE_DIR")
    return [DATA_DIR, *([Path(extra)] if extra else [])]


@lru_cache(maxsize=1)
def get_catalogue() -> Catalogue:
    """The catalogue, loaded once per process."""
    programs: dict[str, LoadedProgram] = {}
    for folder in catalogue_dirs():
        for path in sorted(folder.glob("*.toml")):
            loaded = load_file(path)
            if loaded.code in programs:
                raise CatalogueError(f"program {loaded.code} is defined twice ({path.name})")
            programs[loaded.code] = loaded
    catalogue = Catalogue(programs=programs)
    for program in programs.values():
        for offer in program.file.offers:
            if offer.code in catalogue.offers_by_code:
                raise CatalogueError(f"offer {offer.code} is defined twice")
            catalogue.offers_by_code[offer.code] = (program, offer)
            catalogue.offers_by_name[offer.name.lower()] = offer.code
    return catalogue
