"""The answer-or-refuse verdict with the real model and the shipped calibration: the short words
people type first, off-topic chit-chat and federal matters, reasons and similar questions.
The lists are our own (not the eval questions): topic words the programme covers must be
answered, off-topic ones refused, each at ≥ 90 %."""
from __future__ import annotations

from pathlib import Path

import pytest

from qa.service import open_qa

pytestmark = pytest.mark.real_model
ROOT = Path(__file__).resolve().parent.parent

COVERED = ["Radwege", "Kitaplätze", "Tempo 30", "Flughafen", "Mieten", "Fahrrad", "Ehrenamt", "Wohnungen",
           "Stadtbäume", "Hitze", "Sozialticket", "Schwimmbäder", "Windräder", "Frauenhaus", "Klimaschutz",
           "Busse und Bahnen", "Spielplätze", "Obdachlosigkeit", "Photovoltaik", "Schulen sanieren",
           "Was tut ihr für Radfahrer?", "Wird das Busticket billiger?"]
OFF_TOPIC = ["BVB Ergebnis", "Wetter morgen", "Tempolimit Autobahn", "Mehrwertsteuer senken", "Rentenalter",
             "Bundeswehr", "Horoskop", "Bundesliga Tabelle", "Pizza bestellen", "Lottozahlen", "Bundeskanzler",
             "Wehrpflicht", "Elterngeld", "Netflix Tipps", "Witz erzählen", "Urlaub Mallorca", "Benzinpreis",
             "Fußball WM", "Kindergeld", "Spielt der BVB am Samstag zu Hause?"]


@pytest.fixture(scope="module")
def qa(real_data_dir: Path):
    return open_qa(ROOT / "corpus", real_data_dir)


def test_short_topic_words_the_programme_covers_are_answered(qa) -> None:
    outcomes = {q: qa.ask(q).outcome for q in COVERED}
    refused = [q for q, o in outcomes.items() if o != "answer"]
    assert len(refused) <= 0.1 * len(COVERED), refused


def test_short_off_topic_words_are_refused(qa) -> None:
    outcomes = {q: qa.ask(q).outcome for q in OFF_TOPIC}
    answered = [q for q, o in outcomes.items() if o == "answer"]
    assert len(answered) <= 0.1 * len(OFF_TOPIC), answered


def test_refusals_say_why_and_answers_lead_on(qa) -> None:
    federal = qa.ask("Wird die Rente bei euch erhöht?")
    assert federal.outcome != "answer" and federal.reason == "federal_state", (federal.outcome, federal.reason)
    party = qa.ask("Wer ist euer Kandidat für den Oberbürgermeister?")
    assert party.outcome != "answer" and party.reason == "people_party", (party.outcome, party.reason)
    answer = qa.ask("Wird der Flughafen geschlossen?")
    assert answer.outcome == "answer" and answer.reason == ""
    assert 3 <= len(answer.similar) <= 5 and all(n.entry.answerable for n in answer.similar)


def test_other_languages_are_answered(qa) -> None:
    asked = ["Okul servisleri ücretsiz olacak mı?", "هل ستبنون شقق بأسعار معقولة في دورتموند؟",
             "Будет ли закрыт аэропорт?", "Will there be more cycle lanes?"]
    answered = [q for q in asked if qa.ask(q).outcome == "answer"]
    assert len(answered) >= 3, answered
