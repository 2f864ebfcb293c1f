"""The report page's stylesheet (system fonts with CJK fallbacks; nothing fetched)."""

CSS = """
body { margin: 0; background: #f6f5f1; color: #222;
  font-family: "TongbanCJK", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
    "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; line-height: 1.6; }
main { max-width: 1150px; margin: 0 auto; padding: 1.5rem 2rem 3rem; background: #fff; }
h1 { font-size: 1.7rem; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.3rem; margin-top: 2.4rem; padding-bottom: 0.3rem;
  border-bottom: 3px solid #1f6fb4; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.5rem; color: #333; }
p.lead { color: #555; margin-top: 0; }
p.explain { background: #eef4fa; border-left: 4px solid #1f6fb4; padding: 0.6rem 0.9rem;
  margin: 0.6rem 0 1rem; }
p.small, footer { font-size: 0.85rem; color: #666; }
nav.contents { position: sticky; top: 0; background: #fff; padding: 0.5rem 0; z-index: 1000;
  border-bottom: 1px solid #ddd; }
nav.contents a { color: #1f6fb4; text-decoration: none; margin: 0 0.2rem; }
.findings { background: #fff8e6; border: 1px solid #f0d58c; padding: 0.3rem 1rem;
  border-radius: 6px; }
ul.warnings li { color: #a4161a; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.3rem 0.5rem; text-align: left; }
th { background: #f0f0ec; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.flag td { background: #fdecea; }
.leaflet-container { font-family: inherit; font-size: 0.9rem; }
img.chart { max-width: 100%; height: auto; display: block; margin: 0.5rem 0; }
img.static-map { max-width: 760px; }
details summary { cursor: pointer; color: #1f6fb4; }
.map-box { height: 560px; border: 1px solid #ccc; background: #eaf1f6; }
.map-box.empty { height: auto; padding: 1rem; }
footer { margin-top: 3rem; border-top: 1px solid #ddd; padding-top: 0.6rem; }
"""
