import json

from django.test import RequestFactory

from core import views


def test_server_error_page_renders_without_touching_the_request_context():
    request = RequestFactory().get("/responsibility/organizations/")
    response = views.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_server_error_answers_json_under_the_api():
    response = views.server_error(RequestFactory().get("/api/v1/organizations/"))
    assert response.status_code == 500
    assert json.loads(response.content)["code"] == "server_error"


def test_page_past_the_end_shows_the_last_page(client, world):
    client.force_login(world.user("safety_office"))
    response = client.get("/responsibility/organizations/?page=999")
    assert response.status_code == 200
    assert response.context["page_obj"].number == response.context["paginator"].num_pages
