// Pipe clamp (saddle): a half ring around the pipe with a flange either side, each with a screw
// hole, drawn as a profile in XZ and extruded along the pipe (Y).
$fn = 96;

pipe_r = pipe_diameter / 2;
outer_r = pipe_r + wall;
span = 2 * (outer_r + flange_length);

difference() {
    rotate([90, 0, 0])
        linear_extrude(height = width, center = true)
            difference() {
                union() {
                    circle(r = outer_r);
                    translate([-span / 2, 0]) square([span, wall]);
                }
                circle(r = pipe_r);
                translate([-span, -2 * outer_r]) square([2 * span, 2 * outer_r]);
            }
    for (side = [-1, 1])
        translate([side * (outer_r + flange_length / 2), 0, -1])
            cylinder(d = hole_diameter, h = wall + 2, $fn = 32);
}
