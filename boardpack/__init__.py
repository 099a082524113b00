"""The board pack stage: the month's governance evidence as one PDF a board can read.

It reads only what a build published (the serving warehouse, read-only, and the load ledger up
to the newest load that warehouse holds), so the same published warehouse always gives the same
pack, byte for byte. `boardpack.pack.write_pack` is the entry point (`caregov pack`, the DAG
`board_pack`); `content` reads, `chart` draws the SPC charts as SVG, `document` lays the pages out
as HTML, `pdf` prints them with headless Chromium, `delivery` says when a month is complete and
whether its pack was sent.
"""
