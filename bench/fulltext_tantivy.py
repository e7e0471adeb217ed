"""The tantivy side of ``bench.search_fulltext``: an index of the same documents, same queries.

Built from the documents' own tables (not congvu's index table), with tantivy's
analysers doing the folding: lower case and ASCII folding (marks dropped, đ → d)
for the searched fields, lower case only for the trích yếu kept with its marks.
The scope is the same access tokens congvu indexes (own unit, named people,
recipient units), as a filter.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

UNIT_WIDE = {"clerk", "leader_head", "leader_deputy", "unit_admin"}
#: Written beside a finished index: its indexing row, for a later run that reuses it.
META = "congvu-bench.json"
#: A query word for tantivy's query language: letters and digits only (no syntax).
WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    from congvu.search.text import search_fold

    return search_fold(text)


class TantivyMixin:
    """Needs ``self.rows`` and ``self.facts`` (``FullTextBench``)."""

    def tantivy_source(self):
        """Every document with its attachment texts and scope tokens, from the documents' tables."""
        from django.db import connection

        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        sql = """
        SELECT 'incoming', d.id, d.number_notation, t.name, d.subject, d.issuer_name,
               d.signer_name, d.secrecy,
               concat_ws(' ', '~d' || d.unit_id, (SELECT string_agg(CASE WHEN a.user_id IS NOT
                   NULL THEN '~u' || a.user_id ELSE '~m' || a.unit_id END, ' ')
                   FROM incoming_assignment a WHERE a.document_id = d.id)),
               (SELECT string_agg(f.text, E'\\n') FROM files_storedfile f
                WHERE f.owner_type = 'incoming.incomingdocument' AND f.owner_id = d.id::text)
        FROM incoming_incomingdocument d JOIN registry_documenttype t ON t.id = d.document_type_id
        UNION ALL
        SELECT 'outgoing', d.id, d.number_notation, t.name, d.subject, u.name,
               COALESCE(s.full_name, ''), d.secrecy,
               concat_ws(' ', '~d' || d.unit_id, '~u' || d.drafted_by_id, '~u' || d.signer_id,
                   (SELECT string_agg('~u' || r.reviewer_id, ' ') FROM outgoing_reviewstep r
                    WHERE r.document_id = d.id),
                   (SELECT string_agg('~r' || p.unit_id, ' ') FROM outgoing_recipient p
                    WHERE p.document_id = d.id AND p.unit_id IS NOT NULL)),
               (SELECT string_agg(f.text, E'\\n') FROM files_storedfile f
                WHERE f.owner_type = 'outgoing.outgoingdocument' AND f.owner_id = d.id::text)
        FROM outgoing_outgoingdocument d JOIN registry_documenttype t ON t.id = d.document_type_id
        JOIN org_unit u ON u.id = d.unit_id LEFT JOIN accounts_user s ON s.id = d.signer_id
        """
        with psycopg.connect(**params) as conn, conn.cursor(name="tantivy_source") as cur:
            cur.itersize = 500
            cur.execute(sql)
            yield from cur

    def tantivy_open(self, path: str) -> bool:
        """Reuse the index a former run built in ``path`` (its indexing row included);
        False when there is none, or it was left unfinished."""
        import tantivy

        meta = Path(path) / META
        if not meta.exists():
            return False
        kept = json.loads(meta.read_text(encoding="utf-8"))
        self.schema = self._tantivy_schema()
        index = tantivy.Index(self.schema, path=path)
        self._tantivy_tokenizers(index)
        index.reload()
        self.index = index
        self.rows.append(kept["row"])
        self.facts.update(kept["facts"])
        print(f"tantivy  reused the index of {kept['built']} in {path}", flush=True)
        return True

    def _tantivy_schema(self):
        import tantivy

        b = tantivy.SchemaBuilder()
        b.add_text_field("key", stored=True, tokenizer_name="raw")
        for name in ("number", "subject_f", "people_f"):
            b.add_text_field(name, tokenizer_name="vi_fold")
        b.add_text_field("subject_x", tokenizer_name="vi_exact")
        # Matching never needs positions in the body (phrases are scored on the title only).
        b.add_text_field("body_f", tokenizer_name="vi_fold", index_option="freq")
        b.add_text_field("access", tokenizer_name="raw", index_option="basic")
        b.add_integer_field("secrecy", indexed=True)
        return b.build()

    @staticmethod
    def _tantivy_tokenizers(index) -> None:
        import tantivy

        simple = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        lower = simple.filter(tantivy.Filter.lowercase())
        index.register_tokenizer("vi_exact", lower.build())
        index.register_tokenizer(
            "vi_fold",
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .build(),
        )

    def tantivy_build(self, path: str) -> None:
        """The tantivy index: each text field folded by tantivy itself (lower case, ASCII
        folding: marks dropped, đ → d) and the trích yếu once more with its marks kept."""
        import tantivy

        self.schema = self._tantivy_schema()
        index = tantivy.Index(self.schema, path=path)
        self._tantivy_tokenizers(index)
        writer = index.writer(heap_size=256_000_000, num_threads=1)
        n, busy, read = 0, 0.0, 0.0
        t_read = time.perf_counter()
        for (
            kind,
            pk,
            number,
            tname,
            subject,
            issuer,
            signer,
            secrecy,
            access,
            text,
        ) in self.tantivy_source():
            t = time.perf_counter()
            read += t - t_read
            doc = tantivy.Document()
            doc.add_text("key", f"{kind}:{pk}")
            doc.add_text("number", number or "")
            doc.add_text("subject_f", subject)
            doc.add_text("subject_x", subject)
            doc.add_text("people_f", f"{issuer} {signer}")
            doc.add_text(
                "body_f", "\n".join(p for p in (number, tname, subject, issuer, signer, text) if p)
            )
            for token in (access or "").split():
                doc.add_text("access", token)
            doc.add_integer("secrecy", secrecy)
            writer.add_document(doc)
            n += 1
            t_read = time.perf_counter()
            busy += t_read - t
        t = time.perf_counter()
        writer.commit()
        writer.wait_merging_threads()
        busy += time.perf_counter() - t
        index.reload()
        self.index = index
        size = sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())
        self.rows.append(
            {
                "name": f"indexing with attachments ({n} documents, add + one commit)",
                "where": "python",
                "engine": "tantivy",
                "rate": n / busy,
            }
        )
        self.facts["tantivy_size"] = size
        self.facts["tantivy_read_seconds"] = read
        facts = {k: self.facts[k] for k in ("tantivy_size", "tantivy_read_seconds")}
        (Path(path) / META).write_text(
            json.dumps(
                {
                    "row": self.rows[-1],
                    "facts": facts,
                    "built": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                }
            ),
            encoding="utf-8",
        )
        print(f"tantivy  indexing {n / busy:.1f} documents/s, {size / 2**20:.0f} MiB", flush=True)

    def tantivy_tokens(self, user) -> list[str] | None:
        """The scope as tokens: the emulation of congvu's rule by unit and person
        (None: a system administrator, no scope)."""
        if user.is_superuser:
            return None
        tokens = {f"~u{user.pk}"}
        for unit_id, role in user.positions.values_list("unit_id", "role"):
            tokens.add(f"~m{unit_id}")
            if role in UNIT_WIDE:
                tokens.update((f"~d{unit_id}", f"~r{unit_id}"))
        return sorted(tokens)

    def tantivy_search(self, tokens, query: str, limit: int = 20):
        import tantivy

        words = list(dict.fromkeys(WORD.findall(query.lower())))
        if not words:
            return [], 0
        # Every word required in some field (as congvu's AND of folded words), the title
        # phrase and words typed with their marks as optional boosts.
        text = " ".join(f"+{w}" for w in words)
        if len(words) > 1:
            text += f' subject_f:"{" ".join(words)}"^5'
        text += "".join(f" subject_x:{w}^1.5" for w in words if fold(w) != w)
        q = self.index.parse_query(
            text,
            ["number", "subject_f", "people_f", "body_f"],
            field_boosts={"number": 3.0, "subject_f": 2.0, "people_f": 1.0, "body_f": 1.0},
        )
        if tokens is None:
            full = q
        else:
            scope = tantivy.Query.term_set_query(self.schema, "access", tokens)
            full = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, q), (tantivy.Occur.Must, scope)]
            )
        searcher = self.index.searcher()
        result = searcher.search(full, limit=limit, count=True)
        keys = []
        for _, address in result.hits:
            kind, pk = searcher.doc(address)["key"][0].split(":")
            keys.append((kind, int(pk)))
        return keys, result.count
