"""``/health`` and ``/matters``: the catalog as ``tongban catalog`` filters it."""

from __future__ import annotations

from tests.api.service import Service


def test_health_needs_no_key_and_names_the_database(service: Service) -> None:
    response = service.request("GET", "/health", role=None)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] in ("sqlite", "postgresql")


def test_openapi_document_and_docs_page(service: Service) -> None:
    document = service.request("GET", "/openapi.json", role=None).json()
    assert {"/scenarios", "/runs/{run_id}/results/{table}", "/routing/jobs"} <= set(
        document["paths"]
    )
    assert "ScenarioBody" in document["components"]["schemas"]
    assert service.request("GET", "/docs", role=None).status_code == 200


def test_matters_list_and_filters_match_the_catalog(service: Service) -> None:
    from sim.catalog import load_catalog

    everything = service.request("GET", "/matters", "analyst").json()
    assert len(everything) == len(load_catalog()) == 140
    batch2 = service.request("GET", "/matters", "analyst", params={"batch": 2}).json()
    assert batch2 and all(m["batch"] == 2 for m in batch2)
    online = service.request("GET", "/matters", "analyst", params={"mode": "online"}).json()
    assert online and all("online" in m["modes"] for m in online)
    local = service.request("GET", "/matters", "analyst", params={"locality": "chizhou"}).json()
    assert local and all("local_batch" in m for m in local)


def test_one_matter_and_unknown_ones(service: Service) -> None:
    matter = service.request("GET", "/matters/1-05", "analyst")
    assert matter.status_code == 200 and matter.json()["id"] == "1-05"
    missing = service.request("GET", "/matters/9-99", "analyst")
    assert missing.status_code == 404 and "9-99" in missing.json()["detail"]


def test_bad_filters_say_what_and_where(service: Service) -> None:
    response = service.request("GET", "/matters", "analyst", params={"locality": "mars"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "locality"]
    response = service.request("GET", "/matters", "analyst", params={"batch": "x"})
    assert response.status_code == 422 and "batch" in response.json()["detail"]
