from __future__ import annotations

from django.urls import path

from parcelhub.crm.workbench import views, views_admin, views_review

app_name = "workbench"
urlpatterns = [
    path("operator/workbench/", views.queue, name="queue"),
    path("operator/workbench/tasks/<str:public_id>/", views.task_detail, name="task"),
    path("operator/workbench/tasks/<str:public_id>/log/", views.task_log, name="task_log"),
    path("operator/workbench/tasks/<str:public_id>/snooze/", views.task_snooze, name="task_snooze"),
    path("operator/workbench/tasks/<str:public_id>/done/", views.task_close, name="task_close"),
    path("operator/workbench/tasks/<str:public_id>/review/", views.task_review, name="task_review"),
    path("operator/workbench/assignments/", views_admin.assignments, name="assignments"),
    path("operator/workbench/assignments/apply/", views_admin.assignments_run, name="assignments_apply"),
    path("operator/workbench/assignments/override/", views_admin.assignment_override, name="assignment_override"),
    path("operator/workbench/managers/<int:user_id>/", views_admin.manager_update, name="manager_update"),
    path("operator/workbench/values/", views_admin.values, name="values"),
    path("operator/workbench/reviews/<str:public_id>/", views_review.review, name="review"),
    path("operator/workbench/reviews/<str:public_id>/pdf/", views_review.review_pdf_view, name="review_pdf"),
]
