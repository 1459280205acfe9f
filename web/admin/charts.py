"""Charts drawn by the server as SVG: no script, no CDN, no inline style (the strict CSP allows them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from markupsafe import Markup, escape

CHANNEL_NAMES = {"web": "网页", "api": "API", "wechat": "微信公众号", "wecom": "企业微信", "dingtalk": "钉钉"}
CHANNEL_COLOURS = {"web": "#9f1d20", "api": "#5f6b7a", "wechat": "#1a9b4b", "wecom": "#1d4ed8", "dingtalk": "#b45309"}


def _e(value: object) -> str:
    """Text escaped for SVG."""
    return str(escape(str(value)))


def day_series(rows: Sequence[Mapping], days: int, today: date) -> list[tuple[str, dict[str, int]]]:
    """(day, {channel: count}) for every day of the window, days without questions included."""
    by_day: dict[str, dict[str, int]] = {}
    for row in rows:
        by_day.setdefault(str(row["day"]), {})[str(row["channel"])] = int(row["asked"])
    first = today - timedelta(days=days - 1)
    return [(d, by_day.get(d, {})) for d in ((first + timedelta(n)).isoformat() for n in range(days))]


def per_day_chart(series: Sequence[tuple[str, Mapping[str, int]]], channels: Sequence[str]) -> Markup:
    """Questions per day as bars stacked by channel, with a legend."""
    width, height, left, bottom, top = 720, 220, 36, 28, 24
    plot_w, plot_h = width - left - 8, height - bottom - top
    most = max([sum(c.values()) for _, c in series] + [1])
    step = plot_w / max(len(series), 1)
    bar = max(step * 0.7, 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="每日提问数（按渠道）" xmlns="http://www.w3.org/2000/svg">',
        f"<title>每日提问数（按渠道），最多 {most} 个</title>",
    ]
    for tick in (0, most // 2, most):
        y = top + plot_h - plot_h * tick / most
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 8}" y2="{y:.1f}" stroke="#d9dee5"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#5f6b7a">'
            f"{tick}</text>"
        )
    for n, (day, counts) in enumerate(series):
        x = left + n * step + (step - bar) / 2
        y = top + plot_h
        for channel in channels:
            count = counts.get(channel, 0)
            if not count:
                continue
            h = plot_h * count / most
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{CHANNEL_COLOURS.get(channel, "#888")}"><title>{_e(day)} '
                f"{_e(CHANNEL_NAMES.get(channel, channel))}：{count}</title></rect>"
            )
        if n % max(1, len(series) // 6) == 0 or n == len(series) - 1:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - 10}" text-anchor="middle" font-size="11" '
                f'fill="#5f6b7a">{_e(day[5:])}</text>'
            )
    for n, channel in enumerate(channels):
        x = left + n * 110
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{CHANNEL_COLOURS.get(channel, "#888")}"/>'
            f'<text x="{x + 14}" y="13" font-size="12" fill="#1f2933">'
            f"{_e(CHANNEL_NAMES.get(channel, channel))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def per_channel_chart(counts: Mapping[str, int]) -> Markup:
    """Questions per channel as horizontal bars with their counts."""
    rows = [(c, int(counts.get(c, 0))) for c in CHANNEL_NAMES]
    most = max([n for _, n in rows] + [1])
    width, row_h, label = 360, 26, 84
    height = row_h * len(rows) + 8
    parts = [
        f'<svg class="chart chart-small" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="各渠道提问数" xmlns="http://www.w3.org/2000/svg"><title>各渠道提问数</title>'
    ]
    for n, (channel, count) in enumerate(rows):
        y = 4 + n * row_h
        w = (width - label - 48) * count / most
        parts.append(
            f'<text x="{label - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="#1f2933">'
            f"{_e(CHANNEL_NAMES[channel])}</text>"
            f'<rect x="{label}" y="{y + 3}" width="{max(w, 0.5):.1f}" height="16" '
            f'fill="{CHANNEL_COLOURS[channel]}"/>'
            f'<text x="{label + w + 6:.1f}" y="{y + 15}" font-size="12" fill="#1f2933">{count}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
