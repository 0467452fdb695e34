/* Intentionally empty. The theme ships Font Awesome twice: as the web font its
   style sheet uses, and as this 1.5 MB script that redraws the same icons as
   SVG. The course serves the web font only, to keep every page light. */
