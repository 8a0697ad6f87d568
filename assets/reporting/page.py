"""The A4 page of the reports' PDFs, as far as a chart is concerned: how large it is printed and how
much of it one page holds. typeset.py sets charts by it; style.py finds where a chart may be cut
between pages only for a chart that will be."""

# The text's width (report.typ centres it) and the most of a chart on one page: a chart taller than
# a page with its caption (60 interventions of the mental-health chart make over a metre) is set in
# page-high windows, cut between its rows (typeset.windows); Typst does not break an image across pages.
TEXT_WIDTH_CM, SLICE_CM = 17.0, 22.5
# A chart wider than the text (the theme matrix of more than 12 interventions, one row each, is 11
# inches) on a landscape page: across the text it was printed at 60%, its 8 pt at 5 pt. The
# landscape text is 29.7 - 4 cm wide; its slices leave room for the caption under the banner.
LANDSCAPE_WIDTH_CM, LANDSCAPE_SLICE_CM = 25.7, 12.5


def landscape(width_cm: float) -> bool:
    """Whether a chart this wide goes on a landscape page."""
    return width_cm > TEXT_WIDTH_CM + 0.5


def printed(width_cm: float, height_cm: float) -> tuple[float, float, float]:
    """A chart's printed width and height, and the most of it one page holds (all in cm): across
    the text upright, at its own size up to the text's width on a landscape page."""
    width, most = (min(width_cm, LANDSCAPE_WIDTH_CM), LANDSCAPE_SLICE_CM) if landscape(width_cm) else (
        TEXT_WIDTH_CM, SLICE_CM)
    return width, width * height_cm / width_cm, most


def page_inches(width_in: float) -> float:
    """How much of a chart `width_in` inches wide one page holds, in the chart's own inches."""
    printed_width, _, most = printed(width_in * 2.54, 1.0)
    return most * width_in / printed_width
