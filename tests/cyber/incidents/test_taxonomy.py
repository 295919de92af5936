from lionrock.cyber.incidents.taxonomy import _catalogue, classification_get


def test_the_classifications_are_exactly_the_machine_tags_pytaxonomies_makes_for_rsit():
    from pytaxonomies.api import Taxonomies

    assert sorted(_catalogue()) == sorted(Taxonomies()["rsit"].machinetags())


def test_a_classification_carries_the_rsit_class_and_type_in_words():
    item = classification_get('rsit:availability="ddos"')
    assert item is not None
    assert (item.group, item.label) == ("Availability", "Distributed Denial of Service")
