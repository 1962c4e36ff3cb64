zwgkData("t/0",[0,"关于本站\u001fabout\u001f\u001f\u001f说明文字。",""]);
