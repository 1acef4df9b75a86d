"""The journal's hash chain: how a row's hash is made, and how a whole journal is checked, alone or
against an anchor (a chain head and length printed on paper, on the board, in every export).

Pure (no database import): the store feeds rows from aiosqlite, `roadshow verify` from a read-only
sqlite3 connection, the host's verify endpoint from a worker thread. docs/reliability.md ("The audit
trail") says what each check detects and what it cannot.

Two rules, one per row (the journal's `rule` column):
- rule 1 (databases before schema 004): seq, time, actor, kind, data and command id, chained by the
  previous hash. The connection column was outside the hash.
- rule 2: every column of the row (the rule itself and the connection included) and the previous
  hash. A journal may start under rule 1 and continue under rule 2, never the other way round.

The event definition (the `event_toml` meta value) is covered by `event_defined` / `event_updated`
rows holding its SHA-256: the definition in force must be the one the last such row names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

GENESIS_HASH = "0" * 64
CHAIN_RULE = 2  # the rule new rows are written under
ANCHOR_HEAD_CHARS = 16  # hex characters of the head printed in an anchor: 64 bits
MIN_ANCHOR_HEAD_CHARS = 8  # the shortest head `roadshow verify --head` accepts
DEFINITION_KINDS = frozenset({"event_defined", "event_updated"})
JOURNAL_COLUMNS = "seq, at, actor, kind, data, command_id, connection, prev_hash, hash, rule"


def entry_hash(
    prev_hash: str,
    seq: int,
    at: float,
    actor: str,
    kind: str,
    data_json: str,
    command_id: str | None,
    connection: str | None = None,
    rule: int = CHAIN_RULE,
) -> str:
    """The hash of one journal row under `rule`."""
    if rule == 1:
        material = orjson.dumps([prev_hash, seq, repr(at), actor, kind, data_json, command_id])
    else:
        # The rule number leads the material, so a row's hash under one rule never equals another's.
        material = orjson.dumps(
            [f"roadshow-chain/{rule}", prev_hash, seq, repr(at), actor, kind, data_json, command_id, connection]
        )
    return hashlib.sha256(material).hexdigest()


def definition_digest(event_toml: str) -> str:
    return hashlib.sha256(event_toml.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Anchor:
    """A point of the chain written down outside the database: the first rows `length` of the journal
    end in a row whose hash starts with `head`."""

    length: int
    head: str

    @classmethod
    def of(cls, length: int, last_hash: str) -> Anchor:
        return cls(length, last_hash[:ANCHOR_HEAD_CHARS] if length else GENESIS_HASH[:ANCHOR_HEAD_CHARS])

    def as_dict(self) -> dict[str, Any]:
        return {"length": self.length, "head": self.head}

    def __str__(self) -> str:
        return f"{self.head} / {self.length}"

    def describe(self) -> str:
        """One line for an export: what `roadshow verify --head --length` takes."""
        return f"audit anchor: length {self.length}, head {self.head}"


@dataclass(slots=True)
class Verdict:
    """The answer of a verification. `reason` is one line for the chief judge; `first_bad_seq` the
    first row that does not check out (None when the problem is not one row, e.g. a short journal)."""

    ok: bool
    length: int
    head: str
    first_bad_seq: int | None = None
    reason: str = ""
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "length": self.length,
            "head": self.head,
            "first_bad_seq": self.first_bad_seq,
            "reason": self.reason,
            "notes": list(self.notes),
        }


class ChainVerifier:
    """Check journal rows one at a time (oldest first), then `finish()` with the event definition in
    force and, optionally, an anchor. Memory stays constant whatever the journal's length."""

    def __init__(self) -> None:
        self.length = 0
        self.last_hash = GENESIS_HASH
        self.first_bad_seq: int | None = None
        self.reason = ""
        self._rule = 1
        self._definition: tuple[int, str] | None = None  # (seq, sha256) of the last definition row
        self._anchor_hashes: dict[int, str] = {}
        self._watch: set[int] = set()

    def watch(self, length: int) -> None:
        """Remember the hash of row `length` (an anchor to compare with at the end)."""
        self._watch.add(length)

    def feed(self, row: Mapping[str, Any]) -> bool:
        """Check one row; False (and the reason kept) at the first that does not match."""
        if self.first_bad_seq is not None:
            return False
        seq = int(row["seq"])
        rule = int(row["rule"]) if row["rule"] is not None else 1
        if seq != self.length + 1:
            return self._bad(seq, f"row {self.length + 1} is missing (the next row is {seq})")
        if row["prev_hash"] != self.last_hash:
            return self._bad(seq, f"row {seq} does not link to row {seq - 1} (broken link)")
        if rule not in (1, 2) or rule < self._rule:
            return self._bad(seq, f"row {seq} is under chain rule {rule} after rule {self._rule}")
        digest = entry_hash(
            str(row["prev_hash"]),
            seq,
            float(row["at"]),
            str(row["actor"]),
            str(row["kind"]),
            str(row["data"]),
            row["command_id"],
            row["connection"],
            rule,
        )
        if row["hash"] != digest:
            return self._bad(seq, f"row {seq} was changed after it was written (its hash does not match)")
        if row["kind"] in DEFINITION_KINDS:
            sha = orjson.loads(row["data"]).get("sha256")
            if isinstance(sha, str):
                self._definition = (seq, sha)
        self._rule, self.length, self.last_hash = rule, seq, digest
        if seq in self._watch:
            self._anchor_hashes[seq] = digest
        return True

    def feed_all(self, rows: Iterable[Mapping[str, Any]]) -> ChainVerifier:
        for row in rows:
            if not self.feed(row):
                break
        return self

    def _bad(self, seq: int, reason: str) -> bool:
        self.first_bad_seq, self.reason = seq, reason
        return False

    def finish(self, event_toml: str | None, anchor: Anchor | None = None) -> Verdict:
        verdict = Verdict(True, self.length, Anchor.of(self.length, self.last_hash).head)
        if self.first_bad_seq is not None:
            verdict.ok, verdict.first_bad_seq, verdict.reason = False, self.first_bad_seq, self.reason
            return verdict
        if event_toml is not None:
            if self._definition is None:
                verdict.notes.append("no row records the event definition (a journal from before chain rule 2)")
            elif definition_digest(event_toml) != self._definition[1]:
                verdict.ok, verdict.first_bad_seq = False, self._definition[0]
                verdict.reason = f"the event definition differs from the one recorded at row {self._definition[0]}"
                return verdict
        if anchor is not None:
            if self.length < anchor.length:
                verdict.ok = False
                verdict.first_bad_seq = self.length + 1
                verdict.reason = (
                    f"the journal has {self.length} rows but the anchor says {anchor.length}: "
                    f"rows {self.length + 1}-{anchor.length} were removed"
                )
            elif anchor.length == 0:
                pass
            elif not self._anchor_hashes.get(anchor.length, "").startswith(anchor.head.lower()):
                verdict.ok, verdict.first_bad_seq = False, None
                verdict.reason = (
                    f"row {anchor.length} has hash {self._anchor_hashes.get(anchor.length, '')[: len(anchor.head)]}, "
                    f"the anchor says {anchor.head}: rows up to {anchor.length} were rewritten"
                )
        return verdict


def parse_head(text: str) -> str:
    """An anchor's head as typed by a person: hex, spaces ignored, at least MIN_ANCHOR_HEAD_CHARS."""
    head = "".join(text.split()).lower()
    if len(head) < MIN_ANCHOR_HEAD_CHARS or len(head) > 64 or any(c not in "0123456789abcdef" for c in head):
        raise ValueError(f"a chain head is {MIN_ANCHOR_HEAD_CHARS} to 64 hexadecimal characters")
    return head
