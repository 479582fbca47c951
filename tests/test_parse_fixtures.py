"""The parser on small fixtures, one per trap of the PDF extraction."""
from index.sources.parse import parse_motion, parse_programme
from index.sources.pledge import Citation, LeadIn
from index.sources.sections import parse_sections_tsv
from index.sources.twins import merge_twins

SRC = "prog"


def _parse(text: str):
    return parse_programme(text, SRC)


def test_wrapped_bullet_and_lead_in() -> None:
    text = "Intro-Satz steht hier.\n\nDafür werden wir\n\n● den Ehrenamtsfonds weiter\naufstocken.\n● Vereine stärken.\n"
    ps = _parse(text)
    assert [p.kind for p in ps] == ["text", "pledge", "pledge"]
    fonds = ps[1]
    assert fonds.id == "prog:5"
    assert fonds.citations == (Citation(SRC, 5, 6),)
    assert fonds.text == "den Ehrenamtsfonds weiter aufstocken."
    assert fonds.lead_in == "Dafür werden wir"
    assert fonds.sentence == "Wir werden den Ehrenamtsfonds weiter aufstocken."
    assert ps[2].lead_in == "Dafür werden wir"


def test_bullet_continues_after_blank_line() -> None:
    text = "Wir werden\n● einkommensschwache Haushalte beim Tausch alter Geräte gegen\n\nneue Geräte unterstützen.\n● Trinkbrunnen schaffen.\n"
    ps = _parse(text)
    assert ps[0].text == "einkommensschwache Haushalte beim Tausch alter Geräte gegen neue Geräte unterstützen."
    assert ps[0].citations[0].end_line == 4
    assert ps[1].citations[0].start_line == 5


def test_bullet_continues_after_page_break_and_page_number() -> None:
    text = "Wir werden\n● die Wohngebiete mit\n\n\n25 \n \n\nNeueinsteiger*innen zusammenbringen.\n ● auf einer neuen Seite beginnen.\n"
    ps = _parse(text)
    assert len(ps) == 2
    assert ps[0].text == "die Wohngebiete mit Neueinsteiger*innen zusammenbringen."
    assert (ps[0].citations[0].start_line, ps[0].citations[0].end_line) == (2, 8)
    # a bullet that starts on a page-break line (leading space)
    assert ps[1].id == "prog:9"
    assert ps[1].text == "auf einer neuen Seite beginnen."


def test_prose_continues_over_page_break_but_new_page_starts_new_paragraph() -> None:
    text = "Ein Satz, der weiter\n geht auf der nächsten Seite.\n Neue Seite, neuer Absatz.\n"
    ps = _parse(text)
    assert [p.text for p in ps] == ["Ein Satz, der weiter geht auf der nächsten Seite.", "Neue Seite, neuer Absatz."]
    assert all(p.kind == "text" for p in ps)


def test_lead_in_split_from_its_paragraph() -> None:
    text = "Wir wollen die Engagement-Stadt Nummer 1 werden! Dafür\nwerden wir\n\n● den Fonds aufstocken.\n"
    ps = _parse(text)
    assert ps[0].kind == "text" and ps[0].text == "Wir wollen die Engagement-Stadt Nummer 1 werden!"
    assert ps[0].citations[0] == Citation(SRC, 1, 2)
    assert ps[1].lead_in == "Dafür werden wir"


def test_bullet_that_is_a_lead_in() -> None:
    text = "Sport verbindet.\n\n● Um dem gerecht zu werden, werden wir\n● Mädchensport fördern.\n"
    ps = _parse(text)
    assert [p.kind for p in ps] == ["text", "pledge"]
    assert ps[1].sentence == "Um dem gerecht zu werden, werden wir Mädchensport fördern."


def test_terminated_prose_gives_no_lead_in() -> None:
    ps = _parse("Das ist ein Absatz.\n● Mehr Bäume.\n")
    assert ps[1].lead_in == "" and ps[1].sentence == "Mehr Bäume."


def test_hyphenation_inside_bullet() -> None:
    ps = _parse("Wir werden\n● die Kreislaufwirt-\nschaft und E-\nScooter und Geh-\nund Radwege fördern.\n")
    assert ps[0].text == "die Kreislaufwirtschaft und E-Scooter und Geh- und Radwege fördern."


def test_sections_attach_by_line() -> None:
    table = parse_sections_tsv("# editorial\nstart_line\tend_line\tchapter\tsection\n1\t2\tMobilität\tFlughafen\n3\t9\tSoziales\t\n")
    ps = parse_programme("Daher werden wir\n● den Flughafen schließen.\n● Neues.\n", SRC, table)
    assert ps[0].section == "Mobilität › Flughafen"
    assert ps[1].section == "Soziales"


MOTION = """# Kapitel

**Titel:** Gleichberechtigung und Engagement

## Text

1 Eine gerechte Stadt misst sich daran, wie gut sie  
2 für alle funktioniert.

3

## 72 Für Selbstbestimmung im Alter

73 Wir werden

- 74 • eine Diamorfin-Ambulanz für Frauen  
75 einrichten.
  
- 76 • den Senior\\*innenbeirat stärken.
77

- Förderanträge vereinfachen.
"""


def test_motion_printed_numbers_headings_and_unnumbered_bullet() -> None:
    ps = parse_motion(MOTION, "antrag")
    assert [p.kind for p in ps] == ["text", "pledge", "pledge", "pledge"]
    assert ps[0].citations[0] == Citation("antrag", 1, 2)
    amb = ps[1]
    assert amb.id == "antrag:74" and amb.citations[0] == Citation("antrag", 74, 75)
    assert amb.section == "Gleichberechtigung und Engagement › Für Selbstbestimmung im Alter"
    assert amb.lead_in == "Wir werden"
    assert ps[2].text == "den Senior*innenbeirat stärken."
    assert ps[3].id == "antrag:78" and ps[3].text == "Förderanträge vereinfachen."


def test_twins_merge_despite_spelling_difference() -> None:
    prog = parse_programme("Wir werden\n● eine Diamorphin-Ambulanz für Frauen einrichten.\n● etwas ganz anderes tun.\n", "prog")
    motion = parse_motion(MOTION, "antrag")
    merged = merge_twins(prog, motion)
    amb = merged[0]
    assert amb.citations == (Citation("prog", 2, 2), Citation("antrag", 74, 75))
    assert amb.text == "eine Diamorphin-Ambulanz für Frauen einrichten."
    assert len(merged[1].citations) == 1
    # motion passages without a twin stay, citing the motion alone
    assert {p.id for p in merged[2:]} == {"antrag:1", "antrag:76", "antrag:78"}


def test_motion_numbers_that_go_backwards_stay_increasing() -> None:
    """Found by hypothesis: unnumbered lines counted past a later printed number gave a
    passage that ended before it started."""
    ps = parse_motion("## Text\n" + "●\n" * 13 + "12\tDafür werden wir\n", "antrag")
    for p in ps:
        assert p.primary.start_line <= p.primary.end_line
    assert ps[-1].citations[0] == Citation("antrag", 13, 14)


def test_a_number_alone_is_text_unless_it_stands_at_a_page_break() -> None:
    ps = _parse("Wir werden\n● bis 2030 mindestens\n100\nneue Bäume pflanzen.\n")
    assert ps[0].text == "bis 2030 mindestens 100 neue Bäume pflanzen."
    ps = _parse("Wir werden\n● die Wohngebiete mit\n\n25 \n \nNeueinsteiger*innen zusammenbringen.\n")
    assert ps[0].text == "die Wohngebiete mit Neueinsteiger*innen zusammenbringen."


def test_lead_in_stops_at_a_section_change() -> None:
    table = parse_sections_tsv("start_line\tend_line\tchapter\tsection\n1\t3\tA\ta\n4\t9\tB\tb\n")
    ps = parse_programme("Daher werden wir\n● Bäume pflanzen.\n● Wege bauen.\n● Busse kaufen.\n", SRC, table)
    assert [p.lead_in for p in ps] == ["Daher werden wir", "Daher werden wir", ""]
    assert ps[2].lead_in_at is None and ps[2].section == "B › b"


def test_lead_in_and_prose_stop_at_a_motion_heading() -> None:
    motion = "## Text\n1 Wir werden\n- 2 • Bäume pflanzen.\n## 3 Neues\n- 4 • Busse kaufen.\n\n5 Ein Satz ohne\n## 6 Neues\n7 Ende.\n"
    ps = parse_motion(motion, "antrag")
    assert [(p.id, p.lead_in) for p in ps if p.kind == "pledge"] == [("antrag:2", "Wir werden"), ("antrag:4", "")]
    assert [p.primary for p in ps if p.kind == "text"] == [Citation("antrag", 5, 5), Citation("antrag", 7, 7)]


def test_a_lead_in_bullet_replaces_the_outer_lead_in() -> None:
    text = "Dafür werden wir\n● Bäume pflanzen.\n● Um Geld zu sparen, werden wir\n● Busse teilen.\n"
    ps = _parse(text)
    assert [(p.id, p.lead_in) for p in ps] == [("prog:2", "Dafür werden wir"), ("prog:4", "Um Geld zu sparen, werden wir")]
    assert ps[1].lead_in_at == LeadIn(SRC, 3, 3, "Um Geld zu sparen, werden wir")


def test_lead_in_lines_are_recorded() -> None:
    text = "Wir wollen die Engagement-Stadt Nummer 1 werden! Dafür\nwerden wir\n\n● den Fonds aufstocken.\n"
    ps = _parse(text)
    assert ps[1].lead_in_at == LeadIn(SRC, 1, 2, "Dafür werden wir")
    ps = _parse("Text.\n\nUm den Anteil zu senken,\nwerden wir\n● Öfen tauschen.\n● Dächer dämmen.\n")
    assert ps[1].lead_in_at == ps[2].lead_in_at == LeadIn(SRC, 3, 4, "Um den Anteil zu senken, werden wir")
    assert _parse("Das ist ein Absatz.\n● Mehr Bäume.\n")[1].lead_in_at is None
