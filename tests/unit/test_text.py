from ohjaaja.db.text import fold


def test_fold() -> None:
    assert fold("Mäkinen  Åsa-Öhman") == "makinen asa-ohman"
    assert fold("STRAẞE") == "strasse"
    assert fold(None) == ""
