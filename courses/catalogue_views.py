"""The central level's catalogue pages: the programs by version and the mapping between versions (glue only: the
reads and writes are in courses/catalogue_services.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import catalogue_services as catalogue
from .catalogue_forms import CloseProgramForm, MappingForm, ProgramForm, RetireMappingForm
from .forms import apply_errors
from .models import Program, ProgramMapping


@login_required
def program_list(request):
    catalogue.require_central(request.scope)
    context = {"versions": catalogue.programs_by_version(), "groups": Program.Group}
    return render(request, "courses/catalogue/program_list.html", context)


@login_required
def program_create(request):
    catalogue.require_central(request.scope)
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = catalogue.program_create(scope=request.scope, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Đã thêm chương trình %(p)s.") % {"p": program})
            return redirect("courses:program_list")
    return render(request, "courses/catalogue/program_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def program_edit(request, pk):
    catalogue.require_central(request.scope)
    program = get_object_or_404(Program, pk=pk)
    form = ProgramForm(request.POST or None, instance=program, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.program_update(scope=request.scope, program=program, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu chương trình %(p)s.") % {"p": program.code})
            return redirect("courses:program_list")
    context = {"form": form, "program": program}
    return render(request, "courses/catalogue/program_form.html", context, status=400 if form.errors else 200)


@login_required
def program_close(request, pk):
    catalogue.require_central(request.scope)
    program = get_object_or_404(Program, pk=pk)
    form = CloseProgramForm(request.POST or None, initial={"valid_to": program.valid_to})
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.program_close(scope=request.scope, program=program, valid_to=form.cleaned_data["valid_to"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Chương trình %(p)s áp dụng đến hết ngày %(d)s.")
                % {"p": program.code, "d": form.cleaned_data["valid_to"].strftime("%d/%m/%Y")},
            )
            return redirect("courses:program_list")
    context = {"form": form, "program": program}
    return render(request, "courses/catalogue/program_close.html", context, status=400 if form.errors else 200)


@login_required
def mapping_list(request):
    """The pairs in use and retired, the programs that ended with no counterpart, and the form to add a pair."""
    catalogue.require_central(request.scope)
    form = MappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = catalogue.mapping_add(scope=request.scope, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Đã nối %(pair)s.") % {"pair": mapping})
            return redirect("courses:mapping_list")
    context = {
        "form": form,
        "mappings": catalogue.mappings(),
        "unmapped": catalogue.unmapped(),
        "retire_form": RetireMappingForm(),
    }
    return render(request, "courses/catalogue/mapping_list.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def mapping_retire(request, pk):
    catalogue.require_central(request.scope)
    mapping = get_object_or_404(ProgramMapping.objects.select_related("earlier", "later"), pk=pk)
    form = RetireMappingForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Hãy ghi lý do bỏ tương ứng này (tối đa 100 ký tự)."))
        catalogue.mapping_retire(scope=request.scope, mapping=mapping, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã bỏ tương ứng %(pair)s.") % {"pair": mapping})
    return redirect("courses:mapping_list")
