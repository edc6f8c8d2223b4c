// L-bracket: a horizontal and a vertical leg joined along the Y axis, each with a row of
// through-holes on its centre line, spaced evenly between the bend and the leg's end.
$fn = 48;

pitch_a = (leg_a - thickness) / max(holes_per_leg, 1);
pitch_b = (leg_b - thickness) / max(holes_per_leg, 1);

difference() {
    union() {
        cube([leg_a, width, thickness]);
        cube([thickness, width, leg_b]);
    }
    if (holes_per_leg > 0) {
        for (i = [0 : holes_per_leg - 1]) {
            translate([thickness + pitch_a * (i + 0.5), width / 2, -1])
                cylinder(d = hole_diameter, h = thickness + 2);
            translate([-1, width / 2, thickness + pitch_b * (i + 0.5)])
                rotate([0, 90, 0])
                    cylinder(d = hole_diameter, h = thickness + 2);
        }
    }
}
