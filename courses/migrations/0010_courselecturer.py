"""The class–lecturer link becomes a model of its own (CourseLecturer) on the very table Django made for the plain
many-to-many: the state changes, the database does not. The next migration adds what the link now holds."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0009_bounds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CourseLecturer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "course",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="courses.course"
                            ),
                        ),
                        (
                            "lecturer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="courses.lecturer"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "giảng viên của lớp",
                        "verbose_name_plural": "giảng viên của lớp",
                        "db_table": "courses_course_lecturers",
                        "unique_together": {("course", "lecturer")},
                    },
                ),
                migrations.AlterField(
                    model_name="course",
                    name="lecturers",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="courses",
                        through="courses.CourseLecturer",
                        to="courses.lecturer",
                        verbose_name="giảng viên",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
