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

# What replaces a solution. nbgrader's default adds `raise NotImplementedError()`, which
# would stop "Run All" at the first exercise; a comment keeps the notebook running, and each
# check then says "not attempted". A value answer keeps its stub line `answer = ...  # hint`
# above the solution, and a function keeps its docstring, so the stub is valid Python either way.
# tools/editions.py makes the learner and student editions with this same setting.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE"}

# A chapter runs in 10 to 20 seconds; training the small CNN in chapter 11 is the slowest cell.
c.Execute.timeout = 300
