"""From a query to ranked facts: the index as the query path reads it (index) and
its build (build, with pypinyin and OpenCC, on a cache miss only), each kind of match
(wording, pinyin, quantities, questions), their scores (scores), the engine that ranks
(engine), highlights and suggestions (highlight), and the one rule from a query or id
to a fact (lookup). May import :mod:`cqfacts.facts` and the base modules only; never
:mod:`cqfacts.store` (which imports this package) nor anything above."""
