"""Publishing: bilingual press releases and public statistics drawn from the records themselves."""
