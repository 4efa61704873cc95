import pytest

from analyzer.config import DEFAULT_AGENT_NAMES, load_config, normalize_department
from analyzer.errors import ConfigError


def _load(tmp_path, text):
    path = tmp_path / "analyzer.toml"
    path.write_text(text)
    return load_config(path)


def test_sample_config_loads():
    from conftest import SAMPLES

    config = load_config(SAMPLES / "analyzer.toml")
    assert "northwind.example" in config.company_email_domains
    assert config.departments.addresses["billing@northwind.example"] == "billing"
    assert config.departments.domains["carter-recovery.example"] == "agency"


def test_no_config_gives_defaults():
    config = load_config(None)
    assert config.company_email_domains == () and config.max_file_mb == 50


def test_configured_speaker_names_extend_the_built_in_ones(tmp_path):
    config = _load(tmp_path, '[transcripts]\nagent_names = ["Rosa"]\n')
    assert "rosa" in config.agent_names and set(DEFAULT_AGENT_NAMES) <= set(config.agent_names)


@pytest.mark.parametrize("text, fragment", [
    ("[compnay]\nemail_domains = []\n", "unknown section [compnay]"),
    ("[company]\ndomains = []\n", "unknown key 'domains' in [company]"),
    ('[company]\nemail_domains = "northwind.example"\n', "email_domains must be a list"),
    ("[limits]\nmax_file_mb = -1\n", "max_file_mb must be a finite number above 0"),
    ("[limits]\nmax_file_mb = inf\n", "max_file_mb must be a finite number above 0"),
    ("[limits]\nmax_file_mb = nan\n", "max_file_mb must be a finite number above 0"),
    ("[limits]\npdf_pages = 0\n", "pdf_pages must be a finite number above 0"),
    ("[limits]\nrecord_mb = -inf\n", "record_mb must be a finite number above 0"),
    ("[input]\nfollow_symlinks = 'yes'\n", "follow_symlinks must be a bool"),
    ('[tabular]\ndefault_channel = "fax"\n', "default_channel must be one of"),
    ('[departments]\n"a@b.example" = 3\n', "must map to a department name"),
    ("[company\n", "not valid TOML"),
])
def test_invalid_config_fails_with_a_message_naming_the_problem(tmp_path, text, fragment):
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    assert fragment in str(caught.value)


def test_missing_config_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_config_digest_changes_with_content(tmp_path):
    a = _load(tmp_path, "[limits]\nmax_file_mb = 5\n").digest
    b = _load(tmp_path, "[limits]\nmax_file_mb = 6\n").digest
    assert a != b


@pytest.mark.parametrize("raw", ["Customer Support", "customer_support", " customer-support "])
def test_department_spellings_normalize_to_one(raw):
    assert normalize_department(raw) == "customer-support"


def test_nlp_section_names_the_spacy_model(tmp_path):
    assert _load(tmp_path, '[nlp]\nspacy_model = "en_core_web_sm"\n').spacy_model == "en_core_web_sm"
