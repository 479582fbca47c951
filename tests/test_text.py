"""Line joining and sentence helpers."""
import pytest

from index.sources.text import fold_spaces, is_terminated, join_lines, split_last_sentence


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["die Kreislaufwirt-", "schaft stärken"], "die Kreislaufwirtschaft stärken"),
        (["mit E-", "Scootern fahren"], "mit E-Scootern fahren"),
        (["Geh-", "und Radwege"], "Geh- und Radwege"),
        (["Hol- ", "", "und Bringzonen"], "Hol- und Bringzonen"),
        (["Wasser-Wasser-", "Wärmepumpen)."], "Wasser-Wasser-Wärmepumpen)."),
        (["eine  Mastodon-", "Instanz ,  also"], "eine Mastodon-Instanz, also"),
        (["Wir werden", "den Fonds   aufstocken ."], "Wir werden den Fonds aufstocken."),
        (["eSports-Vereine und", "-Initiativen"], "eSports-Vereine und -Initiativen"),
    ],
)
def test_join_lines(parts: list[str], expected: str) -> None:
    assert join_lines(parts) == expected


def test_fold_spaces() -> None:
    assert fold_spaces("  a \t b  .") == "a b."


@pytest.mark.parametrize(
    ("text", "terminated"),
    [("Ende.", True), ("Ende!", True), ("(„Klimapakt“).", True), ("„Kein Tag ohne“.", True),
     ("Dafür werden wir", False), ("gegen", False), ("wir:", False), ("Ende.“", True)],
)
def test_is_terminated(text: str, terminated: bool) -> None:
    assert is_terminated(text) is terminated


def test_split_last_sentence() -> None:
    assert split_last_sentence("Das ist so. Es ist gut! Dafür werden wir") == ("Das ist so. Es ist gut!", "Dafür werden wir")
    assert split_last_sentence("Wir werden") == ("", "Wir werden")
    assert split_last_sentence("Z. B. ist 2035 das Ziel. 2030 werden wir") == ("Z. B. ist 2035 das Ziel.", "2030 werden wir")
