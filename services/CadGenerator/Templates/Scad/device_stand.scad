// Phone / tablet stand, seen from the side (X forward-back, Z up) and extruded across its width:
// a base plate, a front lip, a slot for the device, and a backrest leaning back by `angle`
// from vertical. The backrest's foot is clipped at the base's underside.
slot_x = thickness + device_thickness;
reach = slot_x + back_length * sin(angle) + thickness * cos(angle);

rotate([90, 0, 0])
    translate([0, 0, -width])
        linear_extrude(height = width)
            intersection() {
                union() {
                    square([reach, thickness]);
                    square([thickness, thickness + lip_height]);
                    translate([slot_x, 0])
                        rotate(-angle)
                            square([thickness, back_length]);
                }
                square([reach, back_length + thickness + lip_height]);
            }
