// Flat plate with a rectangular grid of through-holes, centres kept `margin` from the edges,
// with rounded corners when corner_radius > 0.
$fn = 48;

pitch_x = holes_x > 1 ? (length - 2 * margin) / (holes_x - 1) : 0;
pitch_y = holes_y > 1 ? (width - 2 * margin) / (holes_y - 1) : 0;
start_x = holes_x > 1 ? margin : length / 2;
start_y = holes_y > 1 ? margin : width / 2;

module outline() {
    if (corner_radius > 0) {
        hull() {
            for (x = [corner_radius, length - corner_radius], y = [corner_radius, width - corner_radius])
                translate([x, y, 0])
                    cylinder(r = corner_radius, h = thickness);
        }
    } else {
        cube([length, width, thickness]);
    }
}

difference() {
    outline();
    for (i = [0 : holes_x - 1], j = [0 : holes_y - 1])
        translate([start_x + i * pitch_x, start_y + j * pitch_y, -1])
            cylinder(d = hole_diameter, h = thickness + 2);
}
