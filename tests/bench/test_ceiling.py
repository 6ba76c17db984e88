import pytest
from django.urls import Resolver404, resolve


def test_it_keeps_the_ceiling_views_out_of_the_site():
    with pytest.raises(Resolver404):
        resolve("/bench/hello")
    with pytest.raises(Resolver404):
        resolve("/bench/insert")
