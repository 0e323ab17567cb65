from pathlib import Path

import pytest

from rag.config import Settings


def test_precedence_flag_over_env_over_file_over_default(tmp_path: Path):
    config = tmp_path / "newsrag.toml"
    config.write_text('k = 3\nchunk_chars = 400\nembed_batch = 8\n')
    env = {"NEWSRAG_K": "5", "NEWSRAG_CHUNK_CHARS": "500", "NEWSRAG_HOME": str(tmp_path / "h")}
    settings = Settings.load({"k": 7}, env=env, config_file=config)
    assert settings.k == 7  # flag
    assert settings.chunk_chars == 500  # env beats file
    assert settings.embed_batch == 8  # file beats default
    assert settings.home == tmp_path / "h"
    assert settings.near_dup_threshold == Settings().near_dup_threshold


def test_flags_left_unset_do_not_override(tmp_path: Path):
    settings = Settings.load({"k": None}, env={"NEWSRAG_K": "6"}, config_file=tmp_path / "none.toml")
    assert settings.k == 6


def test_unknown_setting_is_an_error(tmp_path: Path):
    config = tmp_path / "newsrag.toml"
    config.write_text("chunk_size = 3\n")
    with pytest.raises(ValueError, match="chunk_size"):
        Settings.load(env={}, config_file=config)


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        Settings().k = 2  # type: ignore[misc]
