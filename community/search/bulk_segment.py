"""One new segment built in memory: documents analysed into a segment's stored fields, columns and postings, then
written out at once through the codec's files (whoosh_internals.BulkFieldWriter)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .analysis import BigramTokenizer, MorphTokenizer, ReadingTokenizer, bigram_tokens, morph_and_reading_tokens
from .bulk_postings import GenericField, TokenField
from .codec import BLOCK_LIMIT, COMPRESSION
from .schema import ArrayPositions, document_fields
from .whoosh_internals import DEF_INDEX_NAME, ArrayCodec, BulkFieldWriter

# Bytes a token takes while a process collects a segment (term id and position, 4 bytes each, plus
# what the arrays over-allocate); writing the segment briefly needs about three times as much.
TOKEN_BYTES = 10


class SegmentBuilder:
    """Adds documents to one new segment in memory and writes it out on :meth:`finish`."""

    def __init__(self, storage, schema, indexname: str = DEF_INDEX_NAME):
        self.storage = storage
        self.schema = schema
        self.codec = ArrayCodec(blocklimit=BLOCK_LIMIT, compression=COMPRESSION)
        self.segment = self.codec.new_segment(storage, indexname)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        self.docnum = 0
        self.tokens = 0
        self.fields: dict[str, TokenField | GenericField] = {}
        self._special: dict[str, str] = {}
        self._failed = False
        for name, field in schema.items():
            if field.vector or field.separate_spelling():
                raise NotImplementedError(f"bulk building does not write term vectors or spelling ({name!r})")
            if not field.indexed:
                continue
            analyzer = getattr(field, "analyzer", None)
            fast = type(field.format) is ArrayPositions and type(analyzer) in (
                BigramTokenizer, MorphTokenizer, ReadingTokenizer
            )
            if fast:
                self.fields[name] = TokenField(name, field)
                self._special[name] = type(analyzer).__name__
            else:
                self.fields[name] = GenericField(name, field)

    def add(self, fields_: Mapping[str, Any]) -> None:
        """Add one document, given as ``document_fields()`` returns it (``add_document``'s keywords)."""
        if self._failed:
            raise RuntimeError("a document failed half-way; this segment cannot be finished")
        schema = self.schema
        names = sorted(fields_)
        for name in names:
            if name not in schema:
                raise ValueError(f"no field named {name!r} in the search schema")
        perdoc = self.perdoc
        docnum = self.docnum
        accumulators = self.fields
        morph_cache: dict[str, tuple] = {}
        perdoc.start_doc(docnum)
        try:
            seen = set()
            for name in names:
                value = fields_[name]
                if value is None:
                    continue
                seen.add(name)
                field = schema[name]
                length = 0
                acc = accumulators.get(name)
                if acc is not None:
                    kind = self._special.get(name)
                    if kind is None:
                        length = acc.add(docnum, value, 1.0)
                    else:
                        if not isinstance(value, str):
                            raise ValueError(f"field {name!r} takes a string, not {type(value).__name__}")
                        if kind == "BigramTokenizer":
                            terms, positions = bigram_tokens(value)
                        else:
                            if value not in morph_cache:
                                morph_cache[value] = morph_and_reading_tokens(value)
                            morph, reading = morph_cache[value]
                            terms, positions = morph if kind == "MorphTokenizer" else reading
                        length = acc.add(terms, positions)
                        self.tokens += length
                stored = value if field.stored else None
                perdoc.add_field(name, field, stored, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
            for name, acc in accumulators.items():
                if name not in seen:
                    acc.skip()
        except BaseException:
            perdoc.cancel_doc()
            # Some accumulators already hold this document's postings: the segment is unusable now.
            self._failed = True
            raise
        perdoc.finish_doc()
        self.docnum += 1

    def finish(self):
        """Write the segment's files; returns the Segment for the TOC (None if no documents were added)."""
        if self._failed:
            raise RuntimeError("a document failed half-way; this segment cannot be finished")
        self.perdoc.close()
        if not self.docnum:
            self._remove_files()
            return None
        fieldwriter = BulkFieldWriter(self.codec, self.storage, self.segment)
        try:
            for name in sorted(self.fields):  # Whoosh's pool writes fields in name order
                acc = self.fields[name]
                if not len(acc):
                    continue
                postings = acc.postings()
                self.fields[name] = None  # free the tokens before the next field is sorted
                fieldwriter.add_field_postings(name, self.schema[name], postings)
                del postings
        finally:
            fieldwriter.close()
        self.segment.set_doc_count(self.docnum)
        return self.segment

    def cancel(self) -> None:
        if not self.perdoc.is_closed:
            self.perdoc.close()
        self._remove_files()

    def _remove_files(self) -> None:
        prefix = self.segment.segment_id() + "."
        for name in list(self.storage.list()):
            if name.startswith(prefix):
                self.storage.delete_file(name)


def segment_tokens(limitmb: int) -> int:
    """Tokens a process collects before it writes them out as a segment, for ``limitmb`` megabytes.

    256 MB are some 27 million tokens, about 85,000 typical documents, so a rebuild of 100,000
    documents with two processes writes two segments.
    """
    return max(1, limitmb) * 2**20 // TOKEN_BYTES


class Segments:
    """Builds segments one after another in one process, starting a new one when the current is large."""

    def __init__(self, storage, schema, segment_tokens: int):
        self.storage = storage
        self.schema = schema
        self.segment_tokens = segment_tokens
        self.done: list = []
        self.current: SegmentBuilder | None = None

    def add(self, doc: Mapping[str, Any]) -> None:
        fields_ = document_fields(doc)
        if self.current is None:
            self.current = SegmentBuilder(self.storage, self.schema)
        self.current.add(fields_)
        if self.current.tokens >= self.segment_tokens:
            self._close()

    def _close(self) -> None:
        segment = self.current.finish()
        self.current = None
        if segment is not None:
            self.done.append(segment)

    def finish(self) -> list:
        if self.current is not None:
            self._close()
        return self.done

    def cancel(self) -> None:
        if self.current is not None:
            self.current.cancel()
