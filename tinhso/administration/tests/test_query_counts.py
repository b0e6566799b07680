"""List pages cost the same number of queries whatever the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tinhso.administration.tests.conftest import record_data
from tinhso.catalog.services import create_version
from tinhso.identity.services import assign_role, create_user


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_procedure_list_has_a_fixed_query_count(signed_in, provincial_administrator, published):
    client = signed_in(provincial_administrator)
    one = count_queries(client, "/quan-ly/thu-tuc/")
    for number in range(2, 5):
        code = f"2.00048{number}.000.00.00.H99"
        create_version(actor=None, procedure_code=code, national_code=code[:8], data=record_data())
    assert count_queries(client, "/quan-ly/thu-tuc/") == one


def test_the_staff_list_has_a_fixed_query_count(signed_in, provincial_administrator, province):
    client = signed_in(provincial_administrator)
    one = count_queries(client, "/quan-ly/can-bo/")
    for number in range(3):
        user = create_user(
            actor=None,
            username=f"canbo{number}",
            kind="staff",
            full_name=f"Cán bộ {number}",
            password=None,
        )
        assign_role(actor=None, user=user, agency=province["justice"], role="specialist")
    assert count_queries(client, "/quan-ly/can-bo/") == one
