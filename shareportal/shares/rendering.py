"""How the preview page shows a file: its kind, and text, code and Markdown made safe HTML.

Nothing here asks the drive: it works on a `FileItem` and on the bytes the services read.
Untrusted contents never become markup of their own: text and code go through Pygments, which
escapes every character it emits, and Markdown through markdown-it-py with raw HTML off, then
nh3's allow-list (no images, no scripts, no styles, links http, https and mailto only).
"""

from pathlib import PurePath

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name, get_lexer_for_filename
from pygments.util import ClassNotFound

from shareportal.pds.types import FileItem

# The most of a text file the page shows: read from the drive as a range, never more.
TEXT_PREVIEW_BYTES = 512 * 1024

# Types a browser plays in <video> and <audio> (Chromium, Firefox, Safari between them).
VIDEO_TYPES = frozenset({"video/mp4", "video/webm", "video/ogg"})
AUDIO_TYPES = frozenset(
    {
        "audio/mpeg",
        "audio/mp3",
        "audio/wav",
        "audio/x-wav",
        "audio/wave",
        "audio/ogg",
        "audio/webm",
        "audio/mp4",
        "audio/aac",
        "audio/flac",
    }
)
# Images shown as images. SVG is not among them: it is a document that can hold scripts, so
# it is shown as its source, as HTML is.
IMAGE_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/avif"}
)
MARKDOWN_EXTENSIONS = frozenset({"md", "markdown", "mdown", "mkd"})
# Files shown as text whatever type the drive gives them (it often says octet-stream).
TEXT_EXTENSIONS = frozenset(
    [
        "txt",
        "text",
        "log",
        "csv",
        "tsv",
        "ini",
        "cfg",
        "conf",
        "env",
        "toml",
        "yaml",
        "yml",
        "json",
        "jsonl",
        "xml",
        "svg",
        "html",
        "htm",
        "css",
        "scss",
        "less",
        "js",
        "mjs",
        "cjs",
        "ts",
        "tsx",
        "jsx",
        "py",
        "pyi",
        "rb",
        "php",
        "pl",
        "lua",
        "go",
        "rs",
        "c",
        "h",
        "cc",
        "cpp",
        "hpp",
        "cs",
        "java",
        "kt",
        "kts",
        "swift",
        "scala",
        "sh",
        "bash",
        "zsh",
        "fish",
        "ps1",
        "bat",
        "sql",
        "r",
        "m",
        "dart",
        "ex",
        "exs",
        "erl",
        "hs",
        "ml",
        "clj",
        "lisp",
        "vim",
        "tex",
        "rst",
        "adoc",
        "diff",
        "patch",
        "dockerfile",
        "makefile",
        "gitignore",
        "editorconfig",
        "properties",
        "gradle",
        "proto",
        "graphql",
    ]
)
TEXT_TYPES = frozenset(
    {
        "application/json",
        "application/xml",
        "application/javascript",
        "application/x-sh",
        "application/x-python",
        "application/sql",
        "application/toml",
        "application/yaml",
        "application/x-yaml",
        "image/svg+xml",
    }
)

# The kinds a preview page knows, each with its own template block.
IMAGE, VIDEO, AUDIO, PDF, MARKDOWN, TEXT, OTHER = (
    "image",
    "video",
    "audio",
    "pdf",
    "markdown",
    "text",
    "other",
)


def preview_kind(item: FileItem) -> str:
    """How the page shows `item`: one of IMAGE, VIDEO, AUDIO, PDF, MARKDOWN, TEXT, OTHER."""
    content_type = item.content_type.partition(";")[0].strip().lower()
    extension = (item.file_extension or PurePath(item.name).suffix.lstrip(".")).lower()
    if content_type in IMAGE_TYPES:
        return IMAGE
    if content_type in VIDEO_TYPES:
        return VIDEO
    if content_type in AUDIO_TYPES:
        return AUDIO
    if content_type == "application/pdf":
        return PDF
    if content_type == "text/markdown" or extension in MARKDOWN_EXTENSIONS:
        return MARKDOWN
    if content_type.startswith("text/") or content_type in TEXT_TYPES:
        return TEXT
    if extension in TEXT_EXTENSIONS or item.name.lower() in TEXT_EXTENSIONS:
        return TEXT
    return OTHER


def looks_binary(data: bytes) -> bool:
    """Whether these first bytes are not text: a NUL byte, as git and grep decide."""
    return b"\x00" in data[:8192]


def text_of(data: bytes, *, truncated: bool) -> str:
    """The bytes as text: UTF-8 (a BOM dropped), anything undecodable shown as U+FFFD.

    A cut file may end inside a character or a line; the partial line is dropped so that the
    last line shown is whole.
    """
    text = data.decode("utf-8-sig", errors="replace")
    if truncated and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


_FORMATTER = HtmlFormatter(linenos="table", cssclass="highlight", wrapcode=True)


def _lexer(name: str, text: str) -> Lexer:
    try:
        return get_lexer_for_filename(name, text, stripnl=False, ensurenl=False)
    except ClassNotFound:
        pass
    lowered = name.lower()
    if lowered in ("makefile", "dockerfile"):
        return get_lexer_by_name(lowered, stripnl=False, ensurenl=False)
    return TextLexer(stripnl=False, ensurenl=False)


def code_html(name: str, text: str) -> Markup:
    """`text` with line numbers and syntax colours by `name`'s type, as CSS classes only.

    Pygments escapes every character of the text it writes out; the colours come from
    static/css/pygments.css (light and dark), never from style attributes.
    """
    return Markup(highlight(text, _lexer(name, text), _FORMATTER))  # noqa: S704 (escaped by Pygments)


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)
# What rendered Markdown may keep. No <img> (a picture from another host would tell it who
# reads the file), no style, no class, no id: nothing that reaches beyond the text.
MARKDOWN_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
MARKDOWN_ATTRIBUTES = {"a": {"href", "title"}, "td": {"align"}, "th": {"align"}}
LINK_SCHEMES = ("http://", "https://", "mailto:")
LINK_REL = "nofollow noopener ugc"


def _only_absolute_links(tag: str, attribute: str, value: str) -> str | None:
    """Keep a link only when it goes to an http(s) or mailto address (no relative ones)."""
    if tag == "a" and attribute == "href":
        return value if value.strip().lower().startswith(LINK_SCHEMES) else None
    return value


def markdown_html(text: str) -> Markup:
    """Markdown rendered, raw HTML left as text, then cleaned by nh3's allow-list.

    Its headings go one level down (`#` is an <h2>): the page's <h1> is the file's name.
    """
    tokens = _MARKDOWN.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 1)}"
    rendered = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    cleaned = nh3.clean(
        rendered,
        tags=set(MARKDOWN_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in MARKDOWN_ATTRIBUTES.items()},
        attribute_filter=_only_absolute_links,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    )
    return Markup(cleaned)  # noqa: S704 (sanitised by nh3 just above)
