"""The DuckDB store: one file holding articles, the ingest ledger and every stage's output.

The schema is versioned: `MIGRATIONS` lists the steps in order and opening a store applies
the missing ones, each in its own transaction. Every write is one transaction, so a run
killed at any moment leaves the store as it was after the last complete batch and the
next run picks up from there. Bulk rows go in as Arrow tables (tens of thousands of rows
per second), never row by row.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from storytrace.claims import ClaimIndex, claim_from_dict, denial_from_dict
from storytrace.discrepancies import discrepancy_from_dict
from storytrace.embeddings import StoredEmbeddings
from storytrace.entities import EntityIndex
from storytrace.errors import StoreError
from storytrace.events import event_from_dict, event_to_dict
from storytrace.link_features import TERM_BUCKETS, LinkTable
from storytrace.provenance import ProvenanceIndex
from storytrace.quote_families import family_from_dict, family_to_dict
from storytrace.records import (
    Article,
    Attribution,
    DateMention,
    Diagnostic,
    Discrepancy,
    Embedding,
    Entity,
    Event,
    EventLink,
    LedgerEntry,
    LinkFeatures,
    Mention,
    NamedOrigin,
    NearCopy,
    Passage,
    ProvenanceEdge,
    QuoteFamily,
    Recirculation,
    Span,
    Story,
)
from storytrace.stories import StoryIndex

DEFAULT_DB = "storytrace.duckdb"

MIGRATIONS: tuple[str, ...] = (
    # 1: articles, the ledger, diagnostics, stories
    """
    CREATE TABLE articles (
        id VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, text VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL UNIQUE, title VARCHAR, url VARCHAR, outlet VARCHAR,
        author VARCHAR, published VARCHAR, language VARCHAR, removed VARCHAR[]
    );
    CREATE SEQUENCE ledger_seq;
    CREATE TABLE ledger (
        seq BIGINT PRIMARY KEY DEFAULT nextval('ledger_seq'), source VARCHAR NOT NULL,
        status VARCHAR NOT NULL, reason VARCHAR, article_id VARCHAR, fingerprint VARCHAR,
        recorded_at TIMESTAMPTZ DEFAULT current_timestamp
    );
    CREATE TABLE diagnostics (stage VARCHAR, subject VARCHAR, reason VARCHAR,
                              recorded_at TIMESTAMPTZ DEFAULT current_timestamp);
    CREATE TABLE stories (id VARCHAR PRIMARY KEY, title VARCHAR);
    CREATE TABLE story_articles (story_id VARCHAR, article_id VARCHAR PRIMARY KEY);
    """,
    # 2: per-article stage bookkeeping (which stage version ran on which article), dates
    """
    CREATE TABLE stage_runs (stage VARCHAR, article_id VARCHAR, PRIMARY KEY (stage, article_id));
    CREATE TABLE date_mentions (
        article_id VARCHAR NOT NULL, text VARCHAR NOT NULL, span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL, resolved VARCHAR NOT NULL, precision VARCHAR NOT NULL
    );
    """,
    # 3: named-entity mentions per article, canonical entities across articles
    """
    CREATE TABLE mentions (
        article_id VARCHAR NOT NULL, text VARCHAR NOT NULL, span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL, label VARCHAR NOT NULL, local_name VARCHAR NOT NULL,
        roles VARCHAR[]
    );
    CREATE TABLE entities (
        id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, type VARCHAR NOT NULL,
        aliases VARCHAR[], article_ids VARCHAR[], roles VARCHAR[]
    );
    CREATE TABLE entity_members (article_id VARCHAR, local_name VARCHAR, entity_id VARCHAR);
    """,
    # 4: sentence vectors per article, near-copies and stories' first report
    """
    CREATE TABLE embeddings (article_id VARCHAR NOT NULL, vector FLOAT[] NOT NULL);
    CREATE TABLE near_copies (
        article_id VARCHAR PRIMARY KEY, duplicate_of VARCHAR NOT NULL, similarity DOUBLE
    );
    """,
    # 5: attributions (who said what) per article
    """
    CREATE TABLE attributions (
        id VARCHAR NOT NULL, article_id VARCHAR NOT NULL,
        source_text VARCHAR, source_start INTEGER, source_end INTEGER,
        cue_text VARCHAR, cue_start INTEGER, cue_end INTEGER,
        content_text VARCHAR NOT NULL, content_start INTEGER NOT NULL,
        content_end INTEGER NOT NULL, kind VARCHAR NOT NULL, speaker VARCHAR
    );
    """,
    # 6: provenance within stories: edges with their evidence (JSON), named origins, and
    # articles recirculating a story as new
    """
    CREATE TABLE provenance (
        story_id VARCHAR NOT NULL, from_article_id VARCHAR NOT NULL,
        to_article_id VARCHAR NOT NULL, relation VARCHAR NOT NULL, score DOUBLE NOT NULL,
        direction VARCHAR NOT NULL, evidence VARCHAR NOT NULL
    );
    CREATE TABLE named_origins (
        story_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, article_id VARCHAR NOT NULL,
        text VARCHAR NOT NULL, span_start INTEGER NOT NULL, span_end INTEGER NOT NULL,
        articles INTEGER NOT NULL
    );
    CREATE TABLE recirculations (
        story_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, lag_days INTEGER NOT NULL,
        cues VARCHAR[], new_facts DOUBLE NOT NULL
    );
    """,
    # 7: quote families (each whole, as JSON) and the quotations they hold, by article
    """
    CREATE TABLE quote_families (
        id VARCHAR PRIMARY KEY, story_id VARCHAR NOT NULL, family VARCHAR NOT NULL
    );
    CREATE TABLE quotations (
        family_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, span_start INTEGER NOT NULL,
        span_end INTEGER NOT NULL, attribution_id VARCHAR
    );
    """,
    # 8: discrepancies between the articles of a story (each whole, as JSON)
    """
    CREATE TABLE discrepancies (
        id VARCHAR PRIMARY KEY, story_id VARCHAR NOT NULL, aspect VARCHAR NOT NULL,
        discrepancy VARCHAR NOT NULL
    );
    """,
    # 9: claims with their stances and origins, and denials (each whole, as JSON)
    """
    CREATE TABLE claims (
        id VARCHAR PRIMARY KEY, story_id VARCHAR NOT NULL, claim VARCHAR NOT NULL
    );
    CREATE TABLE denials (
        id VARCHAR PRIMARY KEY, article_id VARCHAR NOT NULL, denial VARCHAR NOT NULL
    );
    """,
    # 10: events coded per article (each whole, as JSON) and their links across articles
    """
    CREATE TABLE events (
        id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, event VARCHAR NOT NULL
    );
    CREATE TABLE event_links (
        event_id VARCHAR PRIMARY KEY, story_id VARCHAR, date VARCHAR,
        source_entity_id VARCHAR, target_entity_id VARCHAR, source_country VARCHAR,
        target_country VARCHAR, copy_of VARCHAR
    );
    """,
    # 11: what story linking reads of each article: MinHash signature, hashed term counts
    """
    CREATE TABLE link_features (
        article_id VARCHAR NOT NULL, signature BLOB NOT NULL, terms INTEGER[] NOT NULL,
        counts INTEGER[] NOT NULL
    );
    """,
    # 12: what each per-story stage read of each story when it last ran
    """
    CREATE TABLE story_fingerprints (
        stage VARCHAR NOT NULL, story_id VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL
    );
    """,
)

# Per-article products: the table each is stored in, the record type that goes there (a
# stage may produce several) and how a record becomes a row.
PRODUCT_TABLES: dict[str, tuple[str, type, Callable[[Any], dict[str, Any]]]] = {
    "attributions": (
        "attributions",
        Attribution,
        lambda a: {
            "id": a.id,
            "article_id": a.article_id,
            **_span_columns("source", a.source),
            **_span_columns("cue", a.cue),
            **_span_columns("content", a.content),
            "kind": a.kind,
            "speaker": a.speaker,
        },
    ),
    "date_mentions": (
        "date_mentions",
        DateMention,
        lambda m: {
            "article_id": m.article_id,
            "text": m.span.text,
            "span_start": m.span.start,
            "span_end": m.span.end,
            "resolved": m.resolved,
            "precision": m.precision,
        },
    ),
    "events": (
        "events",
        Event,
        lambda e: {"id": e.id, "article_id": e.article_id, "event": json.dumps(event_to_dict(e))},
    ),
    "embeddings": (
        "embeddings",
        Embedding,
        lambda e: {"article_id": e.article_id, "vector": list(e.vector)},
    ),
    "link_features": (
        "link_features",
        LinkFeatures,
        lambda f: {
            "article_id": f.article_id,
            "signature": f.signature,
            "terms": list(f.terms),
            "counts": list(f.counts),
        },
    ),
    "mentions": (
        "mentions",
        Mention,
        lambda m: {
            "article_id": m.article_id,
            "text": m.span.text,
            "span_start": m.span.start,
            "span_end": m.span.end,
            "label": m.label,
            "local_name": m.local_name,
            "roles": list(m.roles),
        },
    ),
}

# Article's fields in their order (rows are read back by position): strings, and `removed`
# (the furniture blocks extraction dropped) as a list
_ARTICLE_SCHEMA = pa.schema(
    [
        (field.name, pa.list_(pa.string()) if field.name == "removed" else pa.string())
        for field in dataclasses.fields(Article)
    ]
)
_ARTICLE_COLUMNS = tuple(_ARTICLE_SCHEMA.names)
assert _ARTICLE_COLUMNS[-1] == "removed", "_article_from_row reads `removed` last"


class Store:
    """An open storytrace database. Use as a context manager; one writer at a time."""

    def __init__(self, path: str | Path = DEFAULT_DB) -> None:
        self.path = str(path)
        try:
            self._db = duckdb.connect(self.path)
        except duckdb.Error as error:
            raise StoreError(
                f"cannot open the store {self.path}: {error}",
                hint="is another storytrace process using it? use --db for another file",
            ) from error
        self._migrate()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @property
    def schema_version(self) -> int:
        # read to the end (fetchall): DuckDB refuses an Arrow query (`sql`) while a result
        # of `execute` is only partly fetched
        rows = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        return int(rows[0][0]) if rows else 0

    def stories_linked_by(self) -> str | None:
        """The stage (name/version) that linked the stored stories; None when unknown (none
        stored yet, or stored before storytrace recorded it)."""
        rows = self._db.execute("SELECT value FROM meta WHERE key = 'stories_linked_by'").fetchall()
        return str(rows[0][0]) if rows else None

    def _migrate(self) -> None:
        self._db.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"the store {self.path} has schema version {current}, newer than this "
                f"storytrace knows ({len(MIGRATIONS)})",
                hint="upgrade storytrace, or use --db for another file",
            )
        for version in range(current + 1, len(MIGRATIONS) + 1):
            with self._transaction():
                self._db.execute(MIGRATIONS[version - 1])
                self._db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)]
                )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # -- writing ------------------------------------------------------------------------

    def save_ingested(
        self,
        articles: Sequence[Article] | pa.Table,
        ledger: Sequence[LedgerEntry],
        diagnostics: Sequence[Diagnostic] = (),
    ) -> None:
        """Articles (records, or a table of `article_table`'s shape) and their ledger
        entries, all or nothing."""
        table = articles if isinstance(articles, pa.Table) else article_table(articles)
        with self._transaction():
            if table.num_rows:
                self._insert("articles", table)
            if ledger:
                self._insert(
                    "ledger",
                    pa.table(
                        {
                            "source": [e.source for e in ledger],
                            "status": [e.status for e in ledger],
                            "reason": pa.array([e.reason for e in ledger], pa.string()),
                            "article_id": pa.array([e.article_id for e in ledger], pa.string()),
                            "fingerprint": pa.array([e.fingerprint for e in ledger], pa.string()),
                        }
                    ),
                )
            self._insert_diagnostics(diagnostics)

    def _insert_diagnostics(self, diagnostics: Sequence[Diagnostic]) -> None:
        if diagnostics:
            table = pa.table(
                {
                    "stage": [d.stage for d in diagnostics],
                    "subject": [d.subject for d in diagnostics],
                    "reason": [d.reason for d in diagnostics],
                }
            )
            self._insert("diagnostics", table)

    def _insert(self, name: str, table: pa.Table) -> None:
        columns = ", ".join(table.column_names)
        # After a failed insert the transaction is aborted and cannot unregister; the next
        # register of the same name replaces the view, so nothing leaks.
        self._db.register("_incoming", table)
        self._db.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM _incoming")
        self._db.unregister("_incoming")

    def save_stage_results(
        self,
        stage: str,
        products: Iterable[str],
        results: dict[str, Sequence[Any]],
        diagnostics: Sequence[Diagnostic] = (),
    ) -> None:
        """One per-article stage's records for a batch of articles, all or nothing.

        Earlier rows of these articles for the same products are replaced (a new stage
        version re-runs over old articles) and each article is marked as done by `stage`.
        """
        self.save_stage_tables(stage, list(results), product_tables(products, results), diagnostics)

    def save_stage_tables(
        self,
        stage: str,
        ids: Sequence[str],
        tables: dict[str, pa.Table],
        diagnostics: Sequence[Diagnostic] = (),
    ) -> None:
        """`save_stage_results` for records already made rows (`product_tables`): the
        Dask engine's workers write them to Parquet and the tables are read back here."""
        ids = list(ids)
        with self._transaction():
            for product, rows in tables.items():
                table = PRODUCT_TABLES[product][0]
                self._db.execute(
                    f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?))", [ids]
                )
                if rows.num_rows:
                    self._insert(table, rows)
            name = stage.split("/", 1)[0]
            self._db.execute(
                "DELETE FROM stage_runs WHERE split_part(stage, '/', 1) = ? "
                "AND article_id IN (SELECT unnest(?))",
                [name, ids],
            )
            self._insert("stage_runs", pa.table({"stage": [stage] * len(ids), "article_id": ids}))
            self._insert_diagnostics(diagnostics)

    def save_entities(self, index: EntityIndex) -> None:
        """Replace the canonical entities (a collection stage re-links them all)."""
        with self._transaction():
            self._db.execute("DELETE FROM entities")
            self._db.execute("DELETE FROM entity_members")
            if index.entities:
                rows = [dataclasses.asdict(entity) for entity in index.entities]
                self._insert("entities", pa.Table.from_pylist(rows))
            if index.members:
                members = [
                    {"article_id": a, "local_name": n, "entity_id": e} for a, n, e in index.members
                ]
                self._insert("entity_members", pa.Table.from_pylist(members))

    def save_stories(self, index: StoryIndex, linked_by: str | None = None) -> None:
        """Replace stories and near-copies (a collection stage re-links them all). Only the
        stories that changed are rewritten: after an update most are as they were, and
        rewriting every membership row took a second at 100k articles. `linked_by` names
        the stage (name/version) that linked them (`stories_linked_by`)."""
        with self._transaction():
            # stories saved without a stage (tests, benchmarks) name none: never a stale one
            self._db.execute("DELETE FROM meta WHERE key = 'stories_linked_by'")
            if linked_by is not None:
                self._db.execute("INSERT INTO meta VALUES ('stories_linked_by', ?)", [linked_by])
            stored = {story.id: story for story in self.stories()}
            fresh = [story for story in index.stories if _changed(stored.get(story.id), story)]
            kept = {story.id for story in index.stories} - {story.id for story in fresh}
            stale = [story_id for story_id in stored if story_id not in kept]
            if stale:
                self._db.register("_stale", pa.table({"id": pa.array(stale, pa.string())}))
                self._db.execute(
                    "DELETE FROM story_articles WHERE story_id IN (SELECT id FROM _stale)"
                )
                self._db.execute("DELETE FROM stories WHERE id IN (SELECT id FROM _stale)")
                self._db.unregister("_stale")
            self._db.execute("DELETE FROM near_copies")
            if fresh:
                self._insert(
                    "stories",
                    pa.Table.from_pylist([{"id": s.id, "title": s.title} for s in fresh]),
                )
                self._insert(
                    "story_articles",
                    pa.Table.from_pylist(
                        [{"story_id": s.id, "article_id": a} for s in fresh for a in s.article_ids]
                    ),
                )
            if index.near_copies:
                self._insert(
                    "near_copies",
                    pa.Table.from_pylist([dataclasses.asdict(copy) for copy in index.near_copies]),
                )

    def save_provenance(self, index: ProvenanceIndex) -> None:
        """Replace provenance edges, named origins and recirculations (re-linked whole)."""
        tables = {
            "provenance": [
                {
                    "story_id": e.story_id,
                    "from_article_id": e.from_article_id,
                    "to_article_id": e.to_article_id,
                    "relation": e.relation,
                    "score": e.score,
                    "direction": e.direction,
                    "evidence": json.dumps([dataclasses.asdict(p) for p in e.evidence]),
                }
                for e in index.edges
            ],
            "named_origins": [
                {
                    "story_id": o.story_id,
                    "name": o.name,
                    "article_id": o.article_id,
                    "text": o.span.text,
                    "span_start": o.span.start,
                    "span_end": o.span.end,
                    "articles": o.articles,
                }
                for o in index.origins
            ],
            "recirculations": [
                {**dataclasses.asdict(r), "cues": list(r.cues)} for r in index.recirculations
            ],
        }
        with self._transaction():
            for table, rows in tables.items():
                self._db.execute(f"DELETE FROM {table}")
                if rows:
                    self._insert(table, pa.Table.from_pylist(rows))

    def save_quote_families(self, families: Sequence[QuoteFamily]) -> None:
        """Replace the quote families (re-linked whole)."""
        rows = [
            {"id": f.id, "story_id": f.story_id, "family": json.dumps(family_to_dict(f))}
            for f in families
        ]
        quoted = [
            {
                "family_id": f.id,
                "article_id": q.article_id,
                "span_start": q.span.start,
                "span_end": q.span.end,
                "attribution_id": q.attribution_id,
            }
            for f in families
            for q in f.quotations()
        ]
        with self._transaction():
            for table, table_rows in (("quote_families", rows), ("quotations", quoted)):
                self._db.execute(f"DELETE FROM {table}")
                if table_rows:
                    self._insert(table, pa.Table.from_pylist(table_rows))

    def save_discrepancies(self, found: Sequence[Discrepancy]) -> None:
        """Replace the discrepancies (re-linked whole)."""
        rows = [
            {
                "id": d.id,
                "story_id": d.story_id,
                "aspect": d.aspect,
                "discrepancy": json.dumps(dataclasses.asdict(d)),
            }
            for d in found
        ]
        with self._transaction():
            self._db.execute("DELETE FROM discrepancies")
            if rows:
                self._insert("discrepancies", pa.Table.from_pylist(rows))

    def save_claims(self, index: ClaimIndex) -> None:
        """Replace claims and denials (re-linked whole)."""
        tables = {
            "claims": [
                {"id": c.id, "story_id": c.story_id, "claim": json.dumps(dataclasses.asdict(c))}
                for c in index.claims
            ],
            "denials": [
                {
                    "id": d.id,
                    "article_id": d.article_id,
                    "denial": json.dumps(dataclasses.asdict(d)),
                }
                for d in index.denials
            ],
        }
        with self._transaction():
            for table, rows in tables.items():
                self._db.execute(f"DELETE FROM {table}")
                if rows:
                    self._insert(table, pa.Table.from_pylist(rows))

    def save_story_fingerprints(self, stage: str, prints: Mapping[str, str]) -> None:
        """Replace the fingerprints of the stories `stage` (a label) has done."""
        rows = [{"stage": stage, "story_id": s, "fingerprint": f} for s, f in prints.items()]
        with self._transaction():
            self._db.execute("DELETE FROM story_fingerprints WHERE stage = ?", [stage])
            if rows:
                self._insert("story_fingerprints", pa.Table.from_pylist(rows))

    def save_event_links(self, links: Sequence[EventLink]) -> None:
        """Replace the events' links across articles (re-linked whole)."""
        rows = [dataclasses.asdict(link) for link in links]
        with self._transaction():
            self._db.execute("DELETE FROM event_links")
            if rows:
                self._insert("event_links", pa.Table.from_pylist(rows))

    # -- reading ------------------------------------------------------------------------

    def events(self) -> list[Event]:
        rows = self._db.execute("SELECT event FROM events ORDER BY article_id, id").fetchall()
        return [event_from_dict(json.loads(row[0])) for row in rows]

    def event_links(self) -> list[EventLink]:
        rows = self._db.execute(
            "SELECT event_id, story_id, date, source_entity_id, target_entity_id, "
            "source_country, target_country, copy_of FROM event_links ORDER BY event_id"
        ).fetchall()
        return [EventLink(*row) for row in rows]

    def articles_pending(self, stage: str) -> list[str]:
        """Ids of articles that `stage` (name/version) has not run on yet."""
        rows = self._db.execute(
            "SELECT id FROM articles WHERE id NOT IN "
            "(SELECT article_id FROM stage_runs WHERE stage = ?) ORDER BY id",
            [stage],
        ).fetchall()
        return [row[0] for row in rows]

    def mentions(self) -> list[Mention]:
        rows = self._db.execute(
            "SELECT article_id, text, span_start, span_end, label, local_name, roles "
            "FROM mentions ORDER BY article_id, span_start, rowid"
        ).fetchall()
        return [
            Mention(aid, Span(text, start, end), label, local, tuple(roles or ()))
            for aid, text, start, end, label, local, roles in rows
        ]

    def attributions(self) -> list[Attribution]:
        rows = self._db.execute(
            "SELECT id, article_id, source_text, source_start, source_end, cue_text, cue_start, "
            "cue_end, content_text, content_start, content_end, kind, speaker "
            "FROM attributions ORDER BY article_id, content_start, id"
        ).fetchall()
        return [
            Attribution(
                row[0],
                row[1],
                _span_from(row[2:5]),
                _span_from(row[5:8]),
                Span(row[8], row[9], row[10]),
                row[11],
                row[12],
            )
            for row in rows
        ]

    def entity_of_local_names(self) -> dict[tuple[str, str], str]:
        """Canonical entity id by (article id, local name) of its mentions."""
        rows = self._db.execute(
            "SELECT article_id, local_name, entity_id FROM entity_members"
        ).fetchall()
        return {(aid, name): eid for aid, name, eid in rows}

    def entities(self) -> list[Entity]:
        rows = self._db.execute(
            "SELECT id, name, type, aliases, article_ids, roles FROM entities "
            "ORDER BY len(article_ids) DESC, type, name"
        ).fetchall()
        return [
            Entity(eid, name, kind, tuple(aliases or ()), tuple(ids or ()), tuple(roles or ()))
            for eid, name, kind, aliases, ids, roles in rows
        ]

    def link_features(self) -> LinkTable:
        """Every article's link features, the term counts as one sparse matrix (read as
        Arrow columns: a store of 100,000 articles holds some 30 million counts)."""
        table: pa.Table = self._db.sql(
            "SELECT article_id, signature, terms, counts FROM link_features ORDER BY article_id"
        ).to_arrow_table()
        if not table.num_rows:
            return LinkTable([], [], sparse.csr_matrix((0, TERM_BUCKETS)))
        terms = table.column("terms").combine_chunks()
        offsets = terms.offsets.to_numpy(zero_copy_only=False)
        matrix = sparse.csr_matrix(
            (
                pc.list_flatten(table.column("counts")).to_numpy().astype(np.float64),
                pc.list_flatten(terms).to_numpy(),
                offsets - offsets[0],
            ),
            shape=(table.num_rows, TERM_BUCKETS),
        )
        return LinkTable(
            table.column("article_id").to_pylist(), table.column("signature").to_pylist(), matrix
        )

    def embeddings(self) -> StoredEmbeddings:
        """Every article's sentence vector, read as one matrix (see `StoredEmbeddings`)."""
        table: pa.Table = self._db.sql(
            "SELECT article_id, vector FROM embeddings ORDER BY article_id"
        ).to_arrow_table()
        ids = table.column("article_id").to_pylist()
        values = pc.list_flatten(table.column("vector")).to_numpy().astype(np.float32)
        width = len(values) // len(ids) if ids else 0
        return StoredEmbeddings(ids, values.reshape(len(ids), width))

    def near_copies(self) -> list[NearCopy]:
        rows = self._db.execute(
            "SELECT article_id, duplicate_of, similarity FROM near_copies ORDER BY article_id"
        ).fetchall()
        return [NearCopy(*row) for row in rows]

    def provenance(self) -> ProvenanceIndex:
        edges = [
            ProvenanceEdge(
                story,
                later,
                earlier,
                relation,
                score,
                direction,
                tuple(
                    Passage(Span(**p["later"]), Span(**p["earlier"]) if p["earlier"] else None)
                    for p in json.loads(evidence)
                ),
            )
            for story, later, earlier, relation, score, direction, evidence in self._db.execute(
                "SELECT story_id, from_article_id, to_article_id, relation, score, direction, "
                "evidence FROM provenance ORDER BY story_id, from_article_id, to_article_id"
            ).fetchall()
        ]
        origins = [
            NamedOrigin(story, name, article, Span(text, start, end), count)
            for story, name, article, text, start, end, count in self._db.execute(
                "SELECT story_id, name, article_id, text, span_start, span_end, articles "
                "FROM named_origins ORDER BY story_id"
            ).fetchall()
        ]
        recirculations = [
            Recirculation(story, article, lag, tuple(cues or ()), new_facts)
            for story, article, lag, cues, new_facts in self._db.execute(
                "SELECT story_id, article_id, lag_days, cues, new_facts FROM recirculations "
                "ORDER BY story_id, article_id"
            ).fetchall()
        ]
        return ProvenanceIndex(tuple(edges), tuple(origins), tuple(recirculations))

    def story_fingerprints(self, stage: str) -> dict[str, str]:
        """Story id -> fingerprint of what `stage` (a label) read when it last ran."""
        rows = self._db.execute(
            "SELECT story_id, fingerprint FROM story_fingerprints WHERE stage = ?", [stage]
        ).fetchall()
        return dict(rows)

    def quote_families(self) -> list[QuoteFamily]:
        rows = self._db.execute(
            "SELECT family FROM quote_families ORDER BY story_id, id"
        ).fetchall()
        return [family_from_dict(json.loads(row[0])) for row in rows]

    def discrepancies(self) -> list[Discrepancy]:
        rows = self._db.execute(
            "SELECT discrepancy FROM discrepancies ORDER BY story_id, aspect, id"
        ).fetchall()
        return [discrepancy_from_dict(json.loads(row[0])) for row in rows]

    def claims(self) -> ClaimIndex:
        claim_rows = self._db.execute("SELECT claim FROM claims ORDER BY story_id, id").fetchall()
        denial_rows = self._db.execute(
            "SELECT denial FROM denials ORDER BY article_id, id"
        ).fetchall()
        return ClaimIndex(
            tuple(claim_from_dict(json.loads(row[0])) for row in claim_rows),
            tuple(denial_from_dict(json.loads(row[0])) for row in denial_rows),
        )

    def date_mentions(self) -> list[DateMention]:
        rows = self._db.execute(
            "SELECT article_id, text, span_start, span_end, resolved, precision "
            "FROM date_mentions ORDER BY article_id, span_start, rowid"
        ).fetchall()
        return [
            DateMention(aid, Span(text, start, end), resolved, precision)
            for aid, text, start, end, resolved, precision in rows
        ]

    def known_inputs(self) -> dict[tuple[str, str], str]:
        """Ledger status of every input already recorded, by (source, fingerprint)."""
        rows = self._db.execute(
            "SELECT source, fingerprint, status FROM ledger WHERE fingerprint IS NOT NULL"
        ).fetchall()
        return {(source, fingerprint): status for source, fingerprint, status in rows}

    def article_ids_by_hash(self) -> dict[str, str]:
        rows = self._db.execute("SELECT content_hash, id FROM articles").fetchall()
        return dict(rows)

    def article_rows(self, ids: Iterable[str]) -> pa.Table:
        """The articles `ids` as `article_table`'s Arrow table, in id order."""
        columns = ", ".join(_ARTICLE_COLUMNS)
        query = f"SELECT {columns} FROM articles WHERE id IN (SELECT unnest($1)) ORDER BY id"
        table: pa.Table = self._db.sql(query, params=[list(ids)]).to_arrow_table()
        return table.cast(_ARTICLE_SCHEMA)

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        query = f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles"
        parameters: list[Any] = []
        if ids is not None:
            query += " WHERE id IN (SELECT unnest(?))"
            parameters.append(list(ids))
        # read as Arrow columns: a third of the time of fetching Python rows (an update of a
        # large store reads every article)
        ordered = self._db.sql(query + " ORDER BY published NULLS LAST, id", params=parameters)
        return articles_from_table(ordered.to_arrow_table())

    def ledger(self) -> list[LedgerEntry]:
        rows = self._db.execute(
            "SELECT source, status, reason, article_id, fingerprint FROM ledger ORDER BY seq"
        ).fetchall()
        return [LedgerEntry(*row) for row in rows]

    def diagnostics(self) -> list[Diagnostic]:
        rows = self._db.execute("SELECT stage, subject, reason FROM diagnostics").fetchall()
        return [Diagnostic(*row) for row in rows]

    def stories(self) -> list[Story]:
        rows = self._db.execute(
            """SELECT s.id, s.title, list(sa.article_id ORDER BY sa.article_id)
               FROM stories s LEFT JOIN story_articles sa ON sa.story_id = s.id
               GROUP BY s.id, s.title ORDER BY count(sa.article_id) DESC, s.id"""
        ).fetchall()
        return [Story(sid, title, tuple(a for a in ids if a)) for sid, title, ids in rows]

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables and of ledger statuses, for summaries and tests."""
        result: dict[str, int] = {}
        for table in (
            "articles",
            "ledger",
            "diagnostics",
            "stories",
            "date_mentions",
            "mentions",
            "entities",
            "attributions",
            "provenance",
            "quote_families",
            "discrepancies",
            "claims",
            "denials",
            "events",
            "event_links",
        ):
            (number,) = self._db.execute(f"SELECT count(*) FROM {table}").fetchall()[0]
            result[table] = int(number)
        for status, number in self._db.execute(
            "SELECT status, count(*) FROM ledger GROUP BY status"
        ).fetchall():
            result[f"ledger_{status}"] = int(number)
        return result


class _Transaction:
    def __init__(self, db: duckdb.DuckDBPyConnection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.begin()

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is None:
            self._db.commit()
        else:
            self._db.rollback()


def article_table(articles: Sequence[Article]) -> pa.Table:
    """Articles as the store's Arrow table (the shape the Dask engine's Parquet shards hold)."""
    return pa.table(
        {column: [_column_value(a, column) for a in articles] for column in _ARTICLE_COLUMNS},
        schema=_ARTICLE_SCHEMA,
    )


def articles_from_table(table: pa.Table) -> list[Article]:
    columns = [table.column(name).to_pylist() for name in _ARTICLE_COLUMNS]
    return [_article_from_row(row) for row in zip(*columns, strict=True)]


def product_tables(
    products: Iterable[str], results: dict[str, Sequence[Any]]
) -> dict[str, pa.Table]:
    """A per-article stage's records, by product, as rows of the product's table."""
    tables = {}
    for product in products:
        _, kind, to_row = PRODUCT_TABLES[product]
        rows = [
            to_row(record)
            for records in results.values()
            for record in records
            if isinstance(record, kind)
        ]
        tables[product] = pa.Table.from_pylist(rows)
    return tables


def _column_value(article: Article, column: str) -> Any:
    value = getattr(article, column)
    return list(value) if column == "removed" else value


def _article_from_row(row: tuple[Any, ...] | list[Any]) -> Article:
    # the columns are Article's fields in its order (`_ARTICLE_SCHEMA`), `removed` last
    return Article(*(*row[:-1], tuple(row[-1] or ())))


def _span_columns(prefix: str, span: Span | None) -> dict[str, Any]:
    return {
        f"{prefix}_text": span.text if span else None,
        f"{prefix}_start": span.start if span else None,
        f"{prefix}_end": span.end if span else None,
    }


def _span_from(columns: tuple[Any, ...]) -> Span | None:
    text, start, end = columns
    return None if text is None else Span(text, start, end)


def _changed(stored: Story | None, story: Story) -> bool:
    """Whether `story` differs from the stored story of its id (None: there is none)."""
    return (
        stored is None
        or stored.title != story.title
        or stored.article_ids != tuple(sorted(story.article_ids))
    )
