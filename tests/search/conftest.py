import pytest

from tests.inbox.conftest import commune, other  # noqa: F401


@pytest.fixture
def tantivy_node(settings, tmp_path, db):
    """This node's full-text index (ADR 0006), built empty in a fresh directory: every
    search with words then goes through it."""
    from congvu.search.engines import sync

    settings.SEARCH_INDEX_DIR = str(tmp_path / "search-index")
    settings.SEARCH_NODE_NAME = "test-node"
    sync.rebuild()
    return sync.current


@pytest.fixture(params=["database", "tantivy"])
def engine(request):
    """Run the test once with the database match and once with the node's tantivy index."""
    if request.param == "tantivy":
        request.getfixturevalue("tantivy_node")
    return request.param
