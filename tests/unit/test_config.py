import pytest

from config import ConfigError, contrast_with_white, load_config

PRODUCTION = {
    "DOORSTEP_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgresql://x/y",
    "PUBLIC_BASE_URL": "https://services.demo-borough.example",
    "STRIPE_SECRET_KEY": "sk_live_" + "a" * 24,
    "STRIPE_WEBHOOK_SECRET": "whsec_" + "b" * 24,
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "DVLA_API_BASE": "https://driver-vehicle-licensing.api.gov.uk",
    "DVLA_API_KEY": "the-councils-ves-key",
}


def test_production_refuses_to_start_without_a_secret_key_database_or_public_address():
    with pytest.raises(ConfigError, match="without SECRET_KEY, DATABASE_URL, PUBLIC_BASE_URL"):
        load_config({"DOORSTEP_ENV": "production"})
    with pytest.raises(ConfigError, match="without DATABASE_URL$"):
        load_config({**PRODUCTION, "DATABASE_URL": ""})
    with pytest.raises(ConfigError, match="https://"):
        load_config({**PRODUCTION, "PUBLIC_BASE_URL": "http://services.demo-borough.example"})


def test_production_refuses_a_short_secret_key():
    with pytest.raises(ConfigError, match="at least 32"):
        load_config({**PRODUCTION, "SECRET_KEY": "short"})


def test_production_never_has_the_development_outbox_page(tmp_path):
    config = load_config({**PRODUCTION, "DEV_OUTBOX_PAGE": "true", "DOORSTEP_INSTANCE_PATH": str(tmp_path)})
    assert config["DEV_OUTBOX_PAGE"] is False
    assert config["SESSION_COOKIE_SECURE"] is True
    with pytest.raises(ConfigError, match="outbox"):
        load_config(PRODUCTION, {"DEV_OUTBOX_PAGE": True})


def test_development_defaults_work_without_any_settings(tmp_path):
    config = load_config({"DOORSTEP_INSTANCE_PATH": str(tmp_path)})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'doorstep.sqlite'}"
    assert len(config["SECRET_KEY"]) == 64
    assert load_config({"DOORSTEP_INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"] == config["SECRET_KEY"]


def test_brand_colour_must_be_readable_with_white_text(tmp_path):
    with pytest.raises(ConfigError, match="contrast"):
        load_config({"COUNCIL_BRAND_COLOUR": "#ffdd00", "DOORSTEP_INSTANCE_PATH": str(tmp_path)})
    with pytest.raises(ConfigError, match="like #1d5e4f"):
        load_config({"COUNCIL_BRAND_COLOUR": "red", "DOORSTEP_INSTANCE_PATH": str(tmp_path)})
    assert round(contrast_with_white("#000000"), 1) == 21.0
    assert round(contrast_with_white("#1d70b8"), 2) == 5.17


def test_numbers_in_the_environment_are_checked(tmp_path):
    with pytest.raises(ConfigError, match="SESSION_IDLE_MINUTES must be a whole number"):
        load_config({"SESSION_IDLE_MINUTES": "soon", "DOORSTEP_INSTANCE_PATH": str(tmp_path)})


def test_production_can_never_use_the_local_stripe_server_or_its_keys(tmp_path):
    config = load_config({**PRODUCTION, "DOORSTEP_INSTANCE_PATH": str(tmp_path)})
    assert config["STRIPE_API_BASE"] == ""  # the stripe library's own default, api.stripe.com
    with pytest.raises(ConfigError, match="local Stripe server"):
        load_config({**PRODUCTION, "STRIPE_API_BASE": "http://127.0.0.1:8420"})
    with pytest.raises(ConfigError, match="local Stripe server"):
        load_config(PRODUCTION, {"STRIPE_API_BASE": "http://127.0.0.1:8420"})
    with pytest.raises(ConfigError, match="STRIPE_SECRET_KEY"):
        load_config({**PRODUCTION, "STRIPE_SECRET_KEY": ""})
    with pytest.raises(ConfigError, match="STRIPE_SECRET_KEY"):
        load_config({**PRODUCTION, "STRIPE_SECRET_KEY": "sk_test_doorstep_local"})
    with pytest.raises(ConfigError, match="STRIPE_WEBHOOK_SECRET"):
        load_config({**PRODUCTION, "STRIPE_WEBHOOK_SECRET": ""})


def test_development_talks_to_the_local_stripe_server(tmp_path):
    config = load_config({"DOORSTEP_INSTANCE_PATH": str(tmp_path), "LOCAL_STRIPE_PORT": "8499"})
    assert config["STRIPE_API_BASE"] == "http://127.0.0.1:8499"
    assert config["STRIPE_SECRET_KEY"].startswith("sk_test_")


def test_the_local_stripe_server_refuses_to_start_in_production():
    import os
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-m", "devtools.local_stripe", "--port", "0"],
        env={**os.environ, "DOORSTEP_ENV": "production"},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "never production" in result.stderr


def test_production_refuses_rate_limits_counted_in_each_process(tmp_path):
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI must be Redis in production"):
        load_config({**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"})
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI must be Redis"):
        load_config({key: value for key, value in PRODUCTION.items() if key != "RATELIMIT_STORAGE_URI"})
    config = load_config({**PRODUCTION, "DOORSTEP_INSTANCE_PATH": str(tmp_path)})
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
    # Development and tests keep memory://, which needs nothing installed.
    assert load_config({"DOORSTEP_INSTANCE_PATH": str(tmp_path)})["RATELIMIT_STORAGE_URI"] == "memory://"


def test_several_machines_in_production_need_shared_file_storage_and_postgresql(tmp_path):
    several = {**PRODUCTION, "MACHINES": "3", "DOORSTEP_INSTANCE_PATH": str(tmp_path)}
    with pytest.raises(ConfigError, match="UPLOAD_STORAGE=s3"):
        load_config(several)
    shared = {**several, "UPLOAD_STORAGE": "s3", "UPLOAD_S3_BUCKET": "council-uploads"}
    assert load_config(shared)["MACHINES"] == 3
    with pytest.raises(ConfigError, match="must be PostgreSQL"):
        load_config({**shared, "DATABASE_URL": "sqlite:////srv/doorstep.sqlite"})
    # One machine may keep files in a folder of its own.
    assert load_config({**PRODUCTION, "DOORSTEP_INSTANCE_PATH": str(tmp_path)})["UPLOAD_STORAGE"] == "local"


def test_file_storage_settings_are_checked(tmp_path):
    base = {"DOORSTEP_INSTANCE_PATH": str(tmp_path)}
    with pytest.raises(ConfigError, match="UPLOAD_STORAGE must be local or s3"):
        load_config({**base, "UPLOAD_STORAGE": "nfs"})
    with pytest.raises(ConfigError, match="needs UPLOAD_S3_BUCKET"):
        load_config({**base, "UPLOAD_STORAGE": "s3"})
    with pytest.raises(ConfigError, match="MACHINES must be 1 or more"):
        load_config({**base, "MACHINES": "0"})
    assert load_config({**base, "MACHINE_NAME": "web-2"})["MACHINE_NAME"] == "web-2"


def test_production_asks_only_the_dvla_itself_for_vehicle_details(tmp_path):
    environ = {**PRODUCTION, "DOORSTEP_INSTANCE_PATH": str(tmp_path)}
    assert load_config(environ)["DVLA_API_BASE"] == "https://driver-vehicle-licensing.api.gov.uk"
    uat = load_config({**environ, "DVLA_API_BASE": "https://uat.driver-vehicle-licensing.api.gov.uk/"})
    assert uat["DVLA_API_BASE"] == "https://uat.driver-vehicle-licensing.api.gov.uk"  # its test environment
    for base in (
        "",
        "http://127.0.0.1:8421",
        "http://driver-vehicle-licensing.api.gov.uk",
        "https://driver-vehicle-licensing.api.gov.uk.example.com",
        "https://dvla.example",
    ):
        with pytest.raises(ConfigError, match="DVLA_API_BASE must be the DVLA's own address"):
            load_config({**environ, "DVLA_API_BASE": base})
    with pytest.raises(ConfigError, match="local DVLA stand-in"):
        load_config(environ, {"DVLA_API_BASE": "http://127.0.0.1:8421"})


def test_production_needs_the_councils_own_dvla_key(tmp_path):
    environ = {**PRODUCTION, "DOORSTEP_INSTANCE_PATH": str(tmp_path)}
    for key in ("", "doorstep-local-dvla-key"):
        with pytest.raises(ConfigError, match="DVLA_API_KEY"):
            load_config({**environ, "DVLA_API_KEY": key})


def test_development_asks_the_local_dvla_stand_in(tmp_path):
    config = load_config({"DOORSTEP_INSTANCE_PATH": str(tmp_path), "LOCAL_DVLA_PORT": "8498"})
    assert config["DVLA_API_BASE"] == "http://127.0.0.1:8498"
    assert config["DVLA_API_KEY"] == "doorstep-local-dvla-key"
    assert config["DVLA_TIMEOUT_SECONDS"] == 5.0
    assert load_config({"DOORSTEP_INSTANCE_PATH": str(tmp_path)})["DVLA_API_BASE"] == "http://127.0.0.1:8421"


def test_the_dvla_timeout_is_a_short_positive_number_of_seconds(tmp_path):
    environ = {"DOORSTEP_INSTANCE_PATH": str(tmp_path)}
    assert load_config({**environ, "DVLA_TIMEOUT_SECONDS": "2.5"})["DVLA_TIMEOUT_SECONDS"] == 2.5
    for value in ("0", "-1", "61", "soon", "nan"):
        with pytest.raises(ConfigError, match="DVLA_TIMEOUT_SECONDS"):
            load_config({**environ, "DVLA_TIMEOUT_SECONDS": value})


def test_road_reports_go_to_the_local_stand_in_county_only_outside_production(tmp_path):
    config = load_config({"DOORSTEP_INSTANCE_PATH": str(tmp_path), "LOCAL_COUNTY311_PORT": "8497"})
    assert config["COUNTY_OPEN311_ENDPOINT"] == "http://127.0.0.1:8497/open311/v2/"
    assert config["COUNTY_OPEN311_DEVELOPMENT_KEY"] == "doorstep-local-county311-key"
    production = load_config({**PRODUCTION, "DOORSTEP_INSTANCE_PATH": str(tmp_path)})
    assert production["COUNTY_OPEN311_ENDPOINT"] == ""  # the settings' endpoint, with the county's own key
    assert production["COUNTY_OPEN311_DEVELOPMENT_KEY"] == ""
    with pytest.raises(ConfigError, match="COUNTY_OPEN311_ENDPOINT cannot be set in production"):
        load_config(
            {**PRODUCTION, "DOORSTEP_INSTANCE_PATH": str(tmp_path), "COUNTY_OPEN311_ENDPOINT": "http://127.0.0.1:8422/"}
        )


def test_the_map_tiles_are_openstreetmaps_in_development_and_none_elsewhere(tmp_path):
    instance = {"DOORSTEP_INSTANCE_PATH": str(tmp_path)}
    development = load_config(instance)
    assert development["MAP_TILE_URL"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert development["MAP_TILE_ATTRIBUTION"] == "© OpenStreetMap contributors"
    assert load_config({**instance, "DOORSTEP_ENV": "test"})["MAP_TILE_URL"] == ""
    assert load_config({**PRODUCTION, **instance})["MAP_TILE_URL"] == ""
    assert load_config({**instance, "MAP_TILE_URL": ""})["MAP_TILE_URL"] == ""  # no map in development either


def test_a_map_tile_address_is_checked(tmp_path):
    production = {**PRODUCTION, "DOORSTEP_INSTANCE_PATH": str(tmp_path), "MAP_TILE_ATTRIBUTION": "© Map Co"}
    good = "https://{s}.tiles.example/{z}/{x}/{y}.png"
    assert load_config({**production, "MAP_TILE_URL": good})["MAP_TILE_URL"] == good
    for wrong in (
        "http://tiles.example/{z}/{x}/{y}.png",  # not https, in production
        "https://tiles.example/{z}/{x}.png",
        "tiles.example/{z}/{x}/{y}.png",
        "https://tiles.example/{z}/{x}/{y}.png; script-src *",
    ):
        with pytest.raises(ConfigError, match="MAP_TILE_URL"):
            load_config({**production, "MAP_TILE_URL": wrong})
    with pytest.raises(ConfigError, match="MAP_TILE_ATTRIBUTION"):
        load_config({**production, "MAP_TILE_URL": good, "MAP_TILE_ATTRIBUTION": " "})


def test_the_map_tiles_host_is_what_the_pages_may_show_images_from():
    from config import map_tile_origin

    assert map_tile_origin("") == ""
    assert map_tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    assert map_tile_origin("https://{s}.tiles.example:8443/a/{z}/{x}/{y}.png") == "https://*.tiles.example:8443"
