"""Text from the data set in markdown (the Dagster UI's metadata) as plain text."""

import re

# What markdown would read as markup in a text from the data (a quote, an intervention's or a
# theme's name, a file name): images (`![x](https://...)` makes every viewer of the Dagster UI fetch
# it), links, HTML, emphasis, headings and table cells. Escaped, the UI shows the text as it is.
# (An underscore inside a word, as in mental_health_grade, is no emphasis and stays as it is.)
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>!|~#]|(?<!\w)_|_(?!\w))")


def md_text(text) -> str:
    """`text` as markdown that shows it as plain text, on one line."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s*[\r\n]\s*", " ", str(text)))
