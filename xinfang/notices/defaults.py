"""Default wording of each notice (used until the administrator saves their own).

Context variables: petitioner, organ, receipt_no, received, issued, title, content, and
per kind: unit, dispatch_verb (转送 or 交办), due (交办期限), registered_only (a receipt before the organ decided),
handling_due (办理期限, once accepted), channel, target_organ,
ground_article, existing, existing_status, existing_unit, existing_due, ground, days, reason,
new_due, decision, request, facts, reasons, basis, next_right.

Each deadline variable (due, handling_due, existing_due, new_due) has a companion
``<name>_note``: "（暂定：2027年节假日安排尚未公布）" when the date depends on a year whose
holiday arrangement is not loaded, else empty; next_right carries its mark inline. A
notice whose wording leaves a mark out (an administrator's own template) gets a closing
paragraph saying that its deadlines are provisional (``notices.services``).
"""

from __future__ import annotations

DEFAULTS: dict[str, tuple[str, str]] = {
    "forwarded": (
        "转送告知书",
        """{{ petitioner }}：

您于{{ received }}提出的信访事项（登记编号：{{ receipt_no }}，事由：{{ title }}）已收悉。

根据《信访工作条例》第二十二条的规定，按照“属地管理、分级负责，谁主管、谁负责”的原则，本机关已将该事项{{ dispatch_verb }}{{ unit }}办理{% if due %}，{{ dispatch_verb }}期限至{{ due }}{{ due_note }}{% endif %}。

{{ unit }}应当自收到之日起15日内决定是否受理，并书面告知您（《信访工作条例》第二十三条）；受理后应当自受理之日起60日内办结（《信访工作条例》第三十四条）。

您可凭登记编号和查询码查询办理进展。""",
    ),
    "receipt": (
        "受理告知书",
        """{{ petitioner }}：

您于{{ received }}提出的信访事项（受理编号：{{ receipt_no }}，事由：{{ title }}）已收悉。

{% if unit %}根据《信访工作条例》第二十二条的规定，按照“属地管理、分级负责，谁主管、谁负责”的原则，本机关已将该事项{{ dispatch_verb }}{{ unit }}办理{% if due %}，办理期限至{{ due }}{{ due_note }}{% endif %}。{% elif registered_only %}本机关已登记该信访事项，将依照《信访工作条例》第二十三条的规定，自收到之日起15日内决定是否受理，并书面告知您。{% else %}根据《信访工作条例》第二十三条的规定，本机关决定受理该信访事项，并将依法办理{% if handling_due %}，办理期限至{{ handling_due }}{{ handling_due_note }}{% endif %}。{% endif %}

根据《信访工作条例》第三十四条的规定，信访事项应当自受理之日起60日内办结；情况复杂的，经本机关负责人批准，可以适当延长办理期限，但延长期限不得超过30日，并告知信访人延期理由。

您可凭受理编号和查询码查询办理进展。""",
    ),
    "redirect": (
        "告知书",
        """{{ petitioner }}：

您于{{ received }}提出的信访事项（受理编号：{{ receipt_no }}，事由：{{ title }}）已收悉。

经审查，您反映的事项属于应当通过{{ channel }}途径解决的事项。根据《信访工作条例》第三十一条的规定，请您依照有关法律、行政法规的规定，向{{ target_organ }}提出。

{% if reason %}说明：{{ reason }}{% endif %}""",
    ),
    "not_accepted": (
        "不予受理告知书",
        """{{ petitioner }}：

您于{{ received }}提出的信访事项（登记编号：{{ receipt_no }}，事由：{{ title }}）已登记。

经查，该事项与受理编号为{{ existing }}的信访事项系同一事项，该事项目前的状态为：{{ existing_status }}{% if existing_unit %}，由{{ existing_unit }}办理{% endif %}{% if existing_due %}，办理期限至{{ existing_due }}{{ existing_due_note }}{% endif %}。根据{{ ground_article }}的规定，对该信访事项不再受理。{% if existing_unit %}您可凭原受理编号查询该事项的办理进展。{% endif %}

{% if reason %}说明：{{ reason }}{% endif %}""",
    ),
    "extension": (
        "延期办理告知书",
        """{{ petitioner }}：

您提出的信访事项（受理编号：{{ receipt_no }}，事由：{{ title }}）因情况复杂，经本机关负责人批准，根据《信访工作条例》第三十四条的规定，办理期限延长{{ days }}日，延长后的办理期限至{{ new_due }}{{ new_due_note }}。

延期理由：{{ reason }}""",
    ),
    "opinion": (
        "信访事项处理意见书",
        """{{ petitioner }}：

您于{{ received }}提出的信访事项（受理编号：{{ receipt_no }}）已办理完毕。根据《信访工作条例》第三十二条的规定，现将处理意见告知如下：

一、信访请求：{{ request }}

二、查明的事实：{{ facts }}

三、处理理由：{{ reasons }}

四、法律政策依据：{{ basis }}

五、处理意见：{{ decision }}。

{{ next_right }}""",
    ),
    "review_opinion": (
        "信访事项复查意见书",
        """{{ petitioner }}：

您对原信访事项（受理编号：{{ parent_no }}）处理意见不服，于{{ received }}提出的复查请求（受理编号：{{ receipt_no }}）已复查完毕。根据《信访工作条例》第三十五条的规定，复查意见如下：

一、复查请求：{{ request }}

二、复查查明的事实：{{ facts }}

三、复查理由：{{ reasons }}

四、法律政策依据：{{ basis }}

五、复查意见：{{ decision }}。

{{ next_right }}""",
    ),
    "reexam_opinion": (
        "信访事项复核意见书",
        """{{ petitioner }}：

您对复查意见不服，于{{ received }}提出的复核请求（受理编号：{{ receipt_no }}）已复核完毕。根据《信访工作条例》第三十六条的规定，复核意见如下：

一、复核请求：{{ request }}

二、复核查明的事实：{{ facts }}

三、复核理由：{{ reasons }}

四、法律政策依据：{{ basis }}

五、复核意见：{{ decision }}。

{{ next_right }}""",
    ),
    "repeat": (
        "重复信访事项告知书",
        """{{ petitioner }}：

您于{{ received }}提出的信访事项（登记编号：{{ receipt_no }}，事由：{{ title }}）已登记。

经查，该事项与您此前提出的受理编号为{{ existing }}的信访事项系同一事项。{% if ground == "same" %}根据《信访工作条例》第二十三条的规定，本次提出的请求和材料已并入该事项一并办理，不再另行受理。该事项目前的状态为：{{ existing_status }}，由{{ existing_unit }}办理{% if existing_due %}，办理期限至{{ existing_due }}{{ existing_due_note }}{% endif %}。{% else %}该事项目前的状态为：{{ existing_status }}（办理机关：{{ existing_unit }}）。本次提出的请求和材料已记入该事项。对书面答复意见不服的，可以依照《信访工作条例》第三十五条的规定，自收到书面答复之日起30日内请求原办理机关的上一级机关复查。{% endif %}

您可凭原受理编号和查询码查询办理进展。

{% if reason %}说明：{{ reason }}{% endif %}""",
    ),
    "merged": (
        "并案办理告知书",
        """{{ petitioner }}：

您于{{ received }}提出的信访事项（受理编号：{{ receipt_no }}，事由：{{ title }}）已收悉。

经审查，其他信访人也反映了同一事项。根据《信访工作条例》第二十二条、第二十三条的规定，本机关决定将您的信访事项与该事项合并办理，由{{ unit }}办理{% if due %}，办理期限至{{ due }}{{ due_note }}{% endif %}。

合并办理不影响您的权利：您的受理编号不变，办理进展、书面答复意见将分别告知您本人；您可以对办理结果作出评价，对书面答复意见不服的，可以自收到之日起30日内请求复查（《信访工作条例》第二十一条、第三十五条）。其他信访人的个人信息不会告知您，您的个人信息也不会告知其他信访人。

您可凭受理编号和查询码查询办理进展。""",
    ),
    "split": (
        "解除并案办理告知书",
        """{{ petitioner }}：

您提出的信访事项（受理编号：{{ receipt_no }}，事由：{{ title }}）此前与其他信访事项合并办理。经审查，该事项不宜合并办理，现予单独办理。

根据《信访工作条例》第二十二条的规定，本机关将自即日起15日内依法转送、交办或者告知您处理方式。

{% if reason %}说明：{{ reason }}{% endif %}""",
    ),
}
