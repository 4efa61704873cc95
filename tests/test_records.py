from analyzer.ingest.records import Interaction, Turn


def _item(text="Hello", relative_path="support/a.eml", source_path="/drop/support/a.eml", offset=0):
    item = Interaction(source_path=source_path, relative_path=relative_path, source_offset=offset,
                       source_format="eml", channel="email", turns=[Turn(role="company", text=text)])
    item.assign_id()
    return item.interaction_id


def test_id_is_identical_for_identical_input():
    assert _item() == _item()


def test_id_does_not_depend_on_where_the_drop_is_mounted():
    assert _item(source_path="/mnt/other/support/a.eml") == _item()


def test_id_changes_with_content_path_and_offset():
    ids = {_item(), _item(text="Hello!"), _item(relative_path="support/b.eml"), _item(offset=1)}
    assert len(ids) == 4
