"""Fusion, top-k selection, lexical analysis and the abstention model (pure parts)."""
from __future__ import annotations

import numpy as np
import pytest

from index.storage.analyse import Analyser, fold
from eval.abstention_fit import fit_logistic
from qa.abstain import FEATURES, AbstentionModel, Evidence, evidence
from qa.rank import FusionConfig, fuse, top_rows, zscore


def test_zscore_and_flat_scores() -> None:
    z = zscore(np.array([1.0, 2.0, 3.0]))
    assert z.mean() == pytest.approx(0) and z[2] > z[1] > z[0]
    assert not zscore(np.ones(5)).any()


def test_zscore_fusion_uses_lexical_only_when_it_matched() -> None:
    dense = np.array([0.80, 0.82, 0.81, 0.79], dtype=np.float32)
    lexical = np.array([0.0, 0.0, 5.0, 0.0], dtype=np.float32)
    cfg = FusionConfig(method="zscore", w_dense=1.0, w_lexical=1.0)
    assert int(np.argmax(fuse(dense, lexical, cfg))) == 2
    assert int(np.argmax(fuse(dense, np.zeros(4, np.float32), cfg))) == 1
    assert int(np.argmax(fuse(dense, lexical, FusionConfig(method="dense")))) == 1
    # RRF, k=60: dense ranks 3,1,2,4; lexical ranks 2,3,1,4 (ties in input order)
    rrf = fuse(dense, lexical, FusionConfig(method="rrf"))  # w_lexical 0.15: the dense leader stays
    assert rrf[1] == pytest.approx(1 / 61 + 0.15 / 63) and rrf[2] == pytest.approx(1 / 62 + 0.15 / 61)
    assert int(np.argmax(rrf)) == 1
    assert int(np.argmax(fuse(dense, lexical, FusionConfig(method="rrf", w_lexical=1.0)))) == 2
    with pytest.raises(ValueError):
        fuse(dense, lexical, FusionConfig(method="nope"))


def test_top_rows_orders_and_filters() -> None:
    s = np.array([0.1, 0.9, 0.5, 0.7])
    assert top_rows(s, 2) == [1, 3]
    assert top_rows(s, 10) == [1, 3, 2, 0]
    assert top_rows(s, 2, allowed=np.array([True, False, True, False])) == [2, 0]
    assert top_rows(s, 3, allowed=np.zeros(4, dtype=bool)) == []


def test_folding_and_compounds() -> None:
    assert fold("Fernwaerme") == fold("Fernwärme") == "fernwärme"
    assert fold("Straße") == "strasse"
    assert fold("Quelle") == "quelle"
    a = Analyser(["fernwärme", "netz", "bus", "ticket", "frauenhaus", "plätze"])
    assert a.tokens("Fernwärmenetz")[1:] == a.tokens("Fernwärme") + a.tokens("Netz")
    assert a.tokens("fernwaerme") == a.tokens("Fernwärme") == a.tokens("fernwarme")[:1]
    assert set(a.tokens("Bus")) | set(a.tokens("Ticket")) <= set(a.tokens("Busticket"))
    assert a.tokens("Wir werden das und die") == []


def test_evidence_features() -> None:
    dense = np.array([0.9, 0.8, 0.8, 0.79, 0.78, 0.77], dtype=np.float32)
    lexical = np.array([3.0, 0.0, 0.0, 0.0, 0.0, 1.0], dtype=np.float32)
    ev = evidence(dense, lexical, dense, coverage=0.5)
    d = ev.as_dict()
    assert list(d) == list(FEATURES)
    assert d["dense_top"] == pytest.approx(0.9) and d["lexical_coverage"] == 0.5
    assert d["agreement"] == pytest.approx(0.2)  # both top-10 sets share the 2 lexical rows


def test_logistic_model_separates_and_round_trips(tmp_path) -> None:
    rng = np.random.default_rng(0)
    pos = rng.normal(1.0, 0.3, size=(60, len(FEATURES)))
    neg = rng.normal(-1.0, 0.3, size=(60, len(FEATURES)))
    x = np.vstack([pos, neg])
    y = np.array([1] * 60 + [0] * 60, dtype=float)
    model = fit_logistic(x, y, tuple(range(len(FEATURES))))
    assert model.threshold == 0.5 and model.features == FEATURES
    assert not model.decide(Evidence(tuple(pos[0]))).abstained
    assert model.decide(Evidence(tuple(neg[0]))).abstained
    path = tmp_path / "m.json"
    import json
    path.write_text(json.dumps(model.to_json()))
    again = AbstentionModel.from_json(json.loads(path.read_text()))
    assert again.probability(Evidence(tuple(pos[1]))) == pytest.approx(model.probability(Evidence(tuple(pos[1]))))
    # one formula: a row at a time and the whole matrix at once agree
    assert model.probabilities(x)[:3] == pytest.approx([model.probability(Evidence(tuple(r))) for r in x[:3]])
