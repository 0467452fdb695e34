# nbgrader configuration for a course that assigns this book's chapters.
# Copy this file into your nbgrader course directory (the folder that holds source/),
# and each chapter notebook into source/<assignment>/. The instructor guide in the book
# (book/instructor_guide.md) walks through the steps; tests/test_nbgrader.py runs them.
c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = "cnn-course"

# Each exercise ends with a worked solution in a drop-down, marked as an nbgrader written
# answer worth 0 points: the release replaces it by this invitation. Give those cells
# points in the formgrader if you want to grade explanations by hand.
c.ClearSolutions.text_stub = "Explain your answer here (optional)."

# A chapter runs in 10 to 20 seconds; training the small CNN in chapter 11 is the slowest cell.
c.Execute.timeout = 300
