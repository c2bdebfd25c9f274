from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..selectors.home import home_context


@login_required
def home(request):
    return render(request, "portal/home.html", home_context(request.user))
