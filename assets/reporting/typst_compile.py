"""Typeset one document and exit: `python -I typst_compile.py <template> [<ppi>]`, its data on stdin
(the template's sys.inputs.data), the PDF on stdout (with <ppi>: a PNG of its one page at that
resolution), Typst's message on stderr when it fails (exit status 1).

A process per document because Typst keeps what it worked out for every document it compiled until
its process ends (some 90 MB per yearly report at 200 organisations, and a run makes dozens); a
process costs about 40 ms. Isolated (-I) and importing Typst alone, so it starts in milliseconds."""

import sys

import typst


def main() -> int:
    data = sys.stdin.buffer.read().decode("utf-8")

    def compile_to(**options) -> bytes:
        return typst.compile(sys.argv[1], sys_inputs={"data": data}, ignore_system_fonts=True, **options)

    try:
        if len(sys.argv) > 2:
            out = compile_to(format="png", ppi=float(sys.argv[2]))
        else:
            try:
                out = compile_to(pdf_standards=["ua-1"])
            except Exception as error:  # noqa: BLE001 - typst raises its own error types
                if "could not be displayed" not in str(error):
                    raise
                # A character none of Typst's fonts has (an emoji or Chinese in a quote): PDF/UA-1
                # refuses any glyph it cannot show. The PDF is made all the same, tagged as ever.
                out = compile_to(pdf_standards=[])
    except Exception as error:  # noqa: BLE001 - the parent raises it, with this message
        sys.stderr.write(str(error))
        return 1
    sys.stdout.buffer.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
