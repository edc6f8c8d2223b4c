// Wall hook: a back plate screwed to the wall (holes through it, above the arm), an arm reaching
// out from its bottom, and a lip at the arm's end that keeps things from sliding off.
$fn = 48;

pitch = holes > 0 ? (height - thickness) / holes : 0;

difference() {
    union() {
        cube([width, thickness, height]);
        cube([width, depth, thickness]);
        translate([0, depth - thickness, 0])
            cube([width, thickness, thickness + lip_height]);
    }
    if (holes > 0) {
        for (i = [0 : holes - 1])
            translate([width / 2, -1, thickness + pitch * (i + 0.5)])
                rotate([-90, 0, 0])
                    cylinder(d = hole_diameter, h = thickness + 2);
    }
}
