"""``newsetl explain``: from a mart cell down to the articles it counts, their evidence, copies and edits.

- :func:`explain_cells` lists the articles behind the cells of a mart that a ``--where`` predicate selects
  (validated by :mod:`newsetl.explain.predicate`), one row per (cell, article).
- :func:`explain_article` shows one article in full: raw file, cleaning edits in their raw context, tags.

Both read only the views of ``warehouse/sql`` (lineage views over the staging views), through
``newsetl.sql.open_warehouse``, so they work on any warehouse the views can read (local or s3).
"""

from newsetl.explain.article import explain_article
from newsetl.explain.cells import Explanation, MartLineage, counting_marts, explain_cells
from newsetl.explain.predicate import PredicateError, cells_query
from newsetl.explain.render import article_text, table_text

__all__ = ["Explanation", "MartLineage", "PredicateError", "article_text", "cells_query", "counting_marts",
           "explain_article", "explain_cells", "table_text"]
